import ArgumentParser
import Foundation
import LeadRouterClient
import LeadRouterWire

/// `leadctl policy replay`: what a candidate policy would have changed over recorded traffic.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract:
            "Replay recorded traffic against a policy file and compare it with what happened; nothing is assigned.",
        discussion: """
            Every lead that arrived in the window is routed again, at its recorded time, twice: \
            under the policies that were live and under the candidate. Reps answer offers as they did \
            in the recording (docs/POLICY.md, "Replay recorded traffic against a candidate"). Prints \
            arrivals, offers, SLA misses, speed-to-lead and fairness for the recording and both runs, \
            and the leads the candidate sends elsewhere.
            """)
    @OptionGroup var options: ConnectionOptions
    @Argument(help: "Candidate policy file.") var file: String
    @Option(help: "Replay from this long ago (30m, 24h, 7d) or this time (ISO 8601); default: every event kept.")
    var since: String?
    @Option(help: "Replay the events after this sequence number.") var fromSeq: UInt64 = 0
    @Option(help: "End the window this long ago (1h, 1d) or at this time (ISO 8601); default: now.")
    var until: String?
    @Option(help: "End the window with this sequence number.") var toSeq: UInt64 = 0
    @Option(help: "Refuse a window of more events than this.") var maxEvents: UInt32 = 1_000_000
    @Option(help: "Leads routed differently to list.") var changes: UInt32 = 20

    func run() async throws {
        var request = Leadrouter_V1_ReplayRequest()
        request.policyYaml = try InputFiles.text(file)
        request.fromSeq = fromSeq
        request.maxEvents = maxEvents
        request.changesListed = changes
        request.toSeq = toSeq
        let now = Date()
        if let since { request.sinceMs = try Self.millis(since, option: "since", now: now) }
        if let until { request.untilMs = try Self.millis(until, option: "until", now: now) }
        try await withClient(options) { client in
            // A long window takes seconds to replay; --timeout still applies when it is longer.
            let reply = try await client.replayPolicy(request, timeout: .seconds(max(options.timeout, 600)))
            if options.json { return Output.json(reply) }
            Self.print(reply)
        }
    }

    /// `30m`, `24h`, `7d` before `now`, or an ISO 8601 time.
    static func millis(_ text: String, option: String, now: Date) throws -> Int64 {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last.flatMap({ units[$0] }), let count = Double(text.dropLast()), count >= 0 {
            return Int64((now.timeIntervalSince1970 - count * unit) * 1000)
        }
        if let date = try? Date(text, strategy: .iso8601) { return Int64(date.timeIntervalSince1970 * 1000) }
        throw ValidationError("--\(option) '\(text)' is neither a duration (30m, 24h, 7d) nor an ISO 8601 time")
    }

    static func print(_ reply: Leadrouter_V1_ReplayReply) {
        Swift.print(
            "replay of policy \(reply.candidateVersion) over events \(reply.firstSeq)–\(reply.lastSeq)"
                + " (\(Output.time(reply.fromMs)) to \(Output.time(reply.toMs)))\n")
        if reply.recorded.leads == 0 { Swift.print("no lead arrived in this window\n") }
        let columns = [reply.recorded, reply.live, reply.candidate]
        let count = { (name: String, value: (Leadrouter_V1_ReplayOutcome) -> UInt32) in
            [name] + columns.map { "\(value($0))" }
        }
        let span = {
            (name: String, p50: (Leadrouter_V1_ReplayOutcome) -> Double, p90: (Leadrouter_V1_ReplayOutcome) -> Double)
            in
            [name] + columns.map { "\(Output.duration(p50($0))) / \(Output.duration(p90($0)))" }
        }
        Output.table(
            ["", "RECORDED", "LIVE POLICY", "CANDIDATE"],
            [
                count("leads", \.leads), count("offered on arrival", \.offeredOnArrival),
                count("queued on arrival", \.queuedOnArrival), count("never offered", \.neverOffered),
                count("offers", \.offers), count("accepted", \.accepted), count("SLA misses", \.slaMisses),
                count("escalations", \.escalations),
                span("to assign p50 / p90", \.timeToAssignP50Ms, \.timeToAssignP90Ms),
                span("to accept p50 / p90", \.timeToAcceptP50Ms, \.timeToAcceptP90Ms),
                ["fairness gap mean / max"]
                    + columns.map { "\(points($0.fairnessGapMean)) / \(points($0.fairnessGapMax))" },
            ])
        let leads = max(reply.live.leads, 1)
        Swift.print(
            "\nleads first offered to someone else under the candidate: \(reply.changedLeads) of \(reply.live.leads)"
                + String(format: " (%.1f %%)", 100 * Double(reply.changedLeads) / Double(leads)))
        if !reply.changes.isEmpty {
            Output.table(
                ["LEAD", "LIVE POLICY", "CANDIDATE"],
                reply.changes.map {
                    [$0.leadID, $0.liveRep.isEmpty ? "-" : $0.liveRep, $0.candidateRep.isEmpty ? "-" : $0.candidateRep]
                })
        }
        Swift.print("\nleads received in the window, and the candidate's share against its target:")
        let received = { (outcome: Leadrouter_V1_ReplayOutcome) in
            Dictionary(outcome.reps.map { ($0.rep, $0) }, uniquingKeysWith: { first, _ in first })
        }
        let (recorded, live) = (received(reply.recorded), received(reply.live))
        Output.table(
            ["REP", "RECORDED", "LIVE POLICY", "CANDIDATE", "SHARE", "TARGET"],
            reply.candidate.reps.map { rep in
                [
                    rep.rep, "\(recorded[rep.rep]?.received ?? 0)", "\(live[rep.rep]?.received ?? 0)",
                    "\(rep.received)",
                    String(format: "%.1f %%", 100 * rep.share), String(format: "%.1f %%", 100 * rep.target),
                ]
            })
    }

    /// A share difference in percentage points.
    static func points(_ gap: Double) -> String { String(format: "%.1f pp", 100 * gap) }
}
