import LeadRouterCore
import Testing

/// Replay of recorded traffic against a candidate policy: the live policy's run reproduces the
/// recording, and a candidate's run shows what it changes.
@Suite("Policy replay")
struct PolicyReplayTests {
    static let live = """
        version: live
        default:
          pool: { teams: [sales] }
          strategy: round_robin
          sla: 60
        """

    /// Everything to ana and cy: bo, who let every offer expire in the recording, gets none.
    static let withoutBo = """
        version: without-bo
        default:
          pool: { reps: [ana, cy] }
          strategy: round_robin
          sla: 60
        """

    /// A recorded day in miniature: 30 leads, one every 20 seconds; ana accepts after 5 s, cy after
    /// 20 s, bo lets offers expire; each accepted lead is completed 90 s later. The engine ticks every
    /// second, so expiries happen on their deadline, as in the replay. Returns the state the window
    /// starts from (reps, policy, availability) and the window's events.
    static func recording() throws -> (start: EngineState, window: [EngineEvent]) {
        let clock = ManualClock(Fixtures.start)
        let engine = try Fixtures.engine(
            clock: clock, policy: try PolicyParser.parse(live), reps: Fixtures.team("sales", ["ana", "bo", "cy"]))
        let start = engine.state
        let answers: [RepID: Int] = ["ana": 5, "cy": 20]
        var due: [Int: [(LeadID, RepID?, complete: Bool)]] = [:]
        var seen = start.lastSeq
        for second in 1...900 {
            clock.advance(seconds: 1)
            if second % 20 == 0 && second <= 600 { try engine.route(Fixtures.lead("lead-\(second / 20)")) }
            engine.tick()
            for (lead, rep, complete) in due.removeValue(forKey: second) ?? [] {
                if complete {
                    try engine.complete(lead, outcome: "won", by: rep)
                } else if (try? engine.accept(lead, by: rep)) != nil {
                    due[second + 90, default: []].append((lead, rep, true))
                }
            }
            // Answers to the offers this second made.
            for event in engine.events(after: seen, limit: .max) ?? [] {
                if case .offered(let offer) = event.kind, let delay = answers[offer.rep] {
                    due[second + delay, default: []].append((offer.lead.id, offer.rep, false))
                }
            }
            seen = engine.lastSeq
        }
        return (start, try #require(engine.events(after: start.lastSeq, limit: .max)))
    }

    static func replay(_ candidate: String) throws -> ReplayReport {
        let (start, window) = try recording()
        var replay = PolicyReplay(start: start, candidate: try PolicyParser.parse(candidate))
        for event in window { try replay.record(event) }
        #expect(replay.events == window.count)
        return replay.run()
    }

    @Test func theLivePolicysRunReproducesTheRecording() throws {
        let report = try Self.replay(Self.live.replacingOccurrences(of: "version: live", with: "version: same"))
        #expect(report.recorded.leads == 30)
        let bo = try #require(report.recorded.shares.first { $0.rep == "bo" })
        #expect(bo.received >= 10 && report.recorded.slaMisses == bo.received, "bo let each of his offers expire")
        #expect(report.recorded.accepted == 30)
        #expect(report.live == report.recorded)
        #expect(report.candidate == report.recorded)
        #expect(report.changedLeads == 0 && report.changes.isEmpty)
        #expect(report.candidateVersion == "same")
    }

    /// A server stops the replay of a caller who cancelled: asked along the way, the simulation
    /// gives up at once; never told to stop, it answers what `run()` answers.
    @Test func aReplayStopsWhenAskedAndOtherwiseRunsToItsEnd() throws {
        let (start, window) = try Self.recording()
        var replay = PolicyReplay(start: start, candidate: try PolicyParser.parse(Self.withoutBo))
        for event in window { try replay.record(event) }
        var asked = 0
        #expect(
            replay.run(
                stoppingWhen: {
                    asked += 1
                    return true
                }) == nil)
        #expect(asked == 1, "it stops the first time it asks")
        asked = 0
        let whole = replay.run(stoppingWhen: {
            asked += 1
            return false
        })
        #expect(asked >= 2, "a window this long is asked along the way of both runs")
        #expect(whole == replay.run())
    }

    @Test func aCandidateShowsWhatItChanges() throws {
        let report = try Self.replay(Self.withoutBo)
        #expect(report.candidate.leads == 30 && report.candidate.slaMisses == 0)
        #expect(report.candidate.accepted == 30)
        #expect(report.live.slaMisses >= 10 && report.live == report.recorded)
        // bo's ten leads go to ana or cy at once instead of a minute later.
        #expect(report.candidate.timeToAccept.p90 < report.live.timeToAccept.p90)
        let shares = Dictionary(uniqueKeysWithValues: report.candidate.shares.map { ($0.rep, $0) })
        #expect(shares["bo"]?.received == 0 && shares["ana"]?.received == 15 && shares["cy"]?.received == 15)
        #expect(report.changedLeads > 0 && report.changes.count == min(20, report.changedLeads))
        #expect(report.changes.allSatisfy { $0.live != $0.candidate && $0.candidate != "bo" })
    }

    /// A rep the recording never saw answer a lead answers from their own record: bo, given leads
    /// only he gets under the candidate, lets them expire as he always did.
    @Test func offersTheRecordingNeverMadeAreAnsweredFromTheRepsRecord() throws {
        let onlyBo = Self.withoutBo.replacingOccurrences(of: "[ana, cy]", with: "[bo]")
        let report = try Self.replay(onlyBo)
        #expect(report.candidate.accepted == 0)
        #expect(report.candidate.slaMisses > 0)
        #expect(report.candidate.timeToAccept.count == 0)
    }
}
