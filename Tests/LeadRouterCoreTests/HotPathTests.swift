import LeadRouterCore
import Testing

/// The hot path's shortcuts: batched routes and lazily trimmed open-lead lists behave exactly like
/// the plain versions.
@Suite("Hot path")
struct HotPathTests {
    @Test func aBatchRoutesExactlyLikeOneByOne() throws {
        let reps = Fixtures.team("t", ["a", "b", "c"], capacity: 3)
        let single = try Fixtures.engine(detailed: false, reps: reps)
        let batched = try Fixtures.engine(detailed: false, reps: reps)
        // Eleven leads for nine slots, one repeated id, one invalid: assigned, queued, existing, error.
        let leads = (0..<11).map { Fixtures.lead("lead-\($0)") } + [Fixtures.lead("lead-4"), Fixtures.lead("")]
        var expected: [String] = []
        for lead in leads {
            do {
                let result = try single.route(lead)
                expected.append("\(result.assignment.rep ?? "queued") \(result.isNew)")
            } catch {
                expected.append("error")
            }
        }
        let results = batched.route(batch: leads).map { result in
            switch result {
            case .success(let routed): "\(routed.assignment.rep ?? "queued") \(routed.isNew)"
            case .failure: "error"
            }
        }
        #expect(results == expected)
        #expect(expected.filter { $0 == "queued true" }.count == 2)
        #expect(batched.state == single.state)
        // One commit, one gap-free run of sequence numbers.
        let events = try #require(batched.events(after: 0))
        #expect(events.map(\.seq) == Array(1...UInt64(events.count)))
        InvariantChecks.checkState(batched.state)
    }

    @Test func batchesOfNewLeadsAndOfLeadsSeenBeforeRouteExactlyLikeOneByOne() throws {
        // A batch of new, distinct leads skips each route's own lookup; the batches after it carry
        // leads from earlier batches (and one repeated inside the batch), which must come back as
        // they are.
        let reps = Fixtures.team("t", ["a", "b", "c", "d"], capacity: 40)
        let single = try Fixtures.engine(detailed: false, reps: reps)
        let batched = try Fixtures.engine(detailed: false, reps: reps)
        let batches = [
            (0..<100).map { Fixtures.lead("lead-\($0)") },
            [Fixtures.lead("lead-7"), Fixtures.lead("lead-100"), Fixtures.lead("lead-99")],
            (101..<140).map { Fixtures.lead("lead-\($0)") } + [Fixtures.lead("lead-120"), Fixtures.lead("lead-3")],
        ]
        for leads in batches {
            let expected = try leads.map { lead in
                let result = try single.route(lead)
                return "\(lead.id) \(result.assignment.rep ?? "queued") \(result.isNew)"
            }
            let results = batched.route(batch: leads).map { result in
                let routed = try! result.get()
                return "\(routed.assignment.lead.id) \(routed.assignment.rep ?? "queued") \(routed.isNew)"
            }
            #expect(results == expected)
        }
        #expect(batched.state == single.state)
        #expect(batched.state.assignments.count == 140)
        InvariantChecks.checkState(batched.state)
    }

    @Test func theHistoryRingKeepsTheLatestEventsOfCommitsOfEverySize() throws {
        // A ring of 8 events fed commits of 1 to 20 events, beside a twin with a ring large enough
        // for everything: every read answers exactly the twin's events after the given number, or
        // nil once the next one was overwritten.
        let clock = ManualClock(Fixtures.start)
        let engine = RoutingEngine(
            configuration: EngineConfiguration(detailedExplanations: false, historyCapacity: 8), clock: clock)
        let twin = RoutingEngine(configuration: EngineConfiguration(detailedExplanations: false), clock: clock)
        var next = 0
        for size in [1, 3, 5, 20, 1, 7, 2, 8, 9] {
            let leads = (0..<size).map { index in Fixtures.lead("lead-\(next + index)") }
            next += size
            for target in [engine, twin] {
                if next == size { try target.upsertReps(Fixtures.team("t", ["a", "b"], capacity: 1_000)) }
                _ = target.route(batch: leads)
            }
            let all = try #require(twin.events(after: 0, limit: .max))
            let last = engine.lastSeq
            let oldest = engine.oldestRetainedSeq
            #expect(all.count == Int(last) && last - oldest + 1 == min(8, last))
            for after in 0..<last {
                let events = engine.events(after: after, limit: .max)
                if after + 1 < oldest {
                    #expect(events == nil, "event \(after + 1) was overwritten")
                } else {
                    #expect(events == Array(all[Int(after)...]))
                }
            }
        }
    }

    @Test func openLeadListsStayExactThroughChurnAndSnapshots() throws {
        let engine = try Fixtures.engine(detailed: false, reps: Fixtures.team("t", ["a"], capacity: 50))
        // Fill, then complete most: the list keeps stale entries until it compacts.
        for round in 0..<6 {
            for index in 0..<40 { try engine.route(Fixtures.lead("r\(round)-\(index)")) }
            for index in 0..<37 { try engine.complete("r\(round)-\(index)", outcome: "won") }
            let open = engine.state.openLeads(of: "a")
            #expect(open.count == 3 * (round + 1))
            #expect(engine.state.presence["a"]?.openAssignments == open.count)
            #expect(engine.state.presence.openListEntries(of: "a").count <= 2 * open.count + 9, "the list compacts")
            InvariantChecks.checkState(engine.state)
        }
        // Restoring a snapshot rebuilds the lists from the records: the same state, the same open leads,
        // and lists without stale entries.
        let restored = EngineState(snapshot: engine.state.snapshot)
        #expect(restored == engine.state)
        #expect(Set(restored.openLeads(of: "a")) == Set(engine.state.openLeads(of: "a")))
        #expect(restored.presence.openListEntries(of: "a").count == 18)
        // Going offline releases exactly the open offers, stale entries notwithstanding.
        let released = try engine.setAvailability("a", status: .offline)
        let releasedLeads = released.compactMap { event -> LeadID? in
            if case .released(let lead, _, _) = event.kind { return lead }
            return nil
        }
        #expect(Set(releasedLeads) == Set(restored.openLeads(of: "a")))
        #expect(engine.state.openLeads(of: "a").isEmpty)
        InvariantChecks.checkState(engine.state)
    }

    /// A rep's open leads and the SLA buckets grow in place while nothing else holds their newest
    /// run of ids: every state published on the way must keep seeing exactly what it saw then.
    @Test func publishedStatesKeepTheirOpenListsAndSLABucketsWhileLaterRoutesGrowThem() throws {
        let clock = ManualClock(Fixtures.start)
        let engine = try Fixtures.engine(
            clock: clock, detailed: false, policy: Fixtures.policy(sla: 60), reps: Fixtures.team("t", ["a"]))
        var published: [(state: EngineState, open: [LeadID], due: [LeadID])] = []
        for index in 0..<100 {
            // Runs of ids hold 16: publish at uneven points, inside runs and at their edges.
            if index % 7 == 0 || index % 16 == 0 {
                let state = engine.state
                published.append(
                    (state, state.openLeads(of: "a"), state.offersDue(by: clock.now().adding(seconds: 120))))
            }
            if index == 50 { clock.advance(seconds: 1) }  // a second SLA bucket from here on
            try engine.route(Fixtures.lead("lead-\(index)"))
        }
        for (state, open, due) in published {
            let routed = open.count
            #expect(open == (0..<routed).map { "lead-\($0)" })
            #expect(state.openLeads(of: "a") == open)
            #expect(state.offersDue(by: clock.now().adding(seconds: 120)) == due)
            #expect(Set(due) == Set(open))
        }
        #expect(engine.state.openLeads(of: "a") == (0..<100).map { "lead-\($0)" })
        #expect(engine.state.offersDue(by: clock.now().adding(seconds: 120)) == (0..<100).map { "lead-\($0)" })
        InvariantChecks.checkState(engine.state)
    }
}
