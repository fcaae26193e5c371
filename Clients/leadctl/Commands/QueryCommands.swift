import ArgumentParser
import LeadRouterClient
import LeadRouterWire

struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show where a lead is.")
    @OptionGroup var options: ConnectionOptions
    @Argument var lead: String

    func run() async throws {
        try await withClient(options) { client in
            let assignment = try await client.getAssignment(lead)
            if options.json { return Output.json(assignment) }
            Output.table(
                ["LEAD", "STATE", "REP", "RULE", "OFFERED", "ACCEPTED", "SLA DEADLINE", "MISSES", "OUTCOME"],
                [
                    [
                        assignment.lead.id, assignment.state, assignment.rep.isEmpty ? "-" : assignment.rep,
                        assignment.rule,
                        Output.time(assignment.offeredAtMs), Output.time(assignment.acceptedAtMs),
                        Output.time(assignment.slaDeadlineMs), "\(assignment.misses)",
                        assignment.outcome.isEmpty ? "-" : assignment.outcome,
                    ]
                ])
            for line in Self.trail(of: assignment) { print(line) }
        }
    }

    /// What the table's one row leaves out: how fast this lead was served, and who let it expire.
    static func trail(of assignment: Leadrouter_V1_Assignment) -> [String] {
        var lines: [String] = []
        let created = assignment.lead.createdAtMs
        if created > 0, assignment.offeredAtMs > 0 {
            // The record keeps the first offer's time across misses, as the speed-to-lead figures do.
            var speed =
                "speed to lead: offered \(Output.duration(Double(assignment.offeredAtMs - created))) after it came in"
            if assignment.acceptedAtMs > 0 {
                speed +=
                    ", accepted \(Output.duration(Double(assignment.acceptedAtMs - assignment.offeredAtMs))) after the first offer"
            }
            lines.append(speed)
        }
        if !assignment.expiredReps.isEmpty {
            lines.append(
                "let expire by: \(assignment.expiredReps.joined(separator: ", ")) (never offered to them again)"
                    + (assignment.escalated ? "; escalated" : ""))
        }
        return lines
    }
}

struct Explain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain why a lead went where it went.")
    @OptionGroup var options: ConnectionOptions
    @Argument var lead: String

    func run() async throws {
        try await withClient(options) { client in
            let assignment = try await client.getAssignment(lead)
            if options.json { return Output.json(assignment.explanation) }
            print(Explaining.full(assignment.explanation, lead: lead))
        }
    }
}

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Every event of one lead: each offer, miss, release, escalation, acceptance, completion.")
    @OptionGroup var options: ConnectionOptions
    @Argument var lead: String

    func run() async throws {
        try await withClient(options) { client in
            let history = try await client.leadHistory(lead)
            if options.json { return Output.json(history) }
            Output.table(
                ["SEQ", "TIME", "EVENT", "REP", "DETAIL"],
                history.events.map { event in
                    let detail = [
                        event.rule.isEmpty ? "" : "rule \(event.rule)",
                        event.slaDeadlineMs == 0 ? "" : "SLA deadline \(Output.time(event.slaDeadlineMs))",
                        event.detail,
                    ]
                    return [
                        "\(event.seq)", Output.time(event.timeMs), event.kind, event.rep.isEmpty ? "-" : event.rep,
                        detail.filter { !$0.isEmpty }.joined(separator: ", "),
                    ]
                })
            if !history.complete {
                print("the events from around this lead's arrival are no longer kept; the first ones may be missing")
            }
        }
    }
}

struct Assignments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List assignments, filtered and paged.")
    @OptionGroup var options: ConnectionOptions
    @Option var rep: String = ""
    @Option(help: "queued, offered, accepted or completed.") var state: String = ""
    @Option var rule: String = ""
    @Option(help: "Page size.") var limit: UInt32 = 50
    @Option(help: "Page token from a previous listing.") var after: String = ""

    func run() async throws {
        try await withClient(options) { client in
            var request = Leadrouter_V1_ListAssignmentsRequest()
            request.rep = rep
            request.state = state
            request.rule = rule
            request.pageSize = limit
            request.pageToken = after
            let reply = try await client.listAssignments(request)
            if options.json { return Output.json(reply) }
            Output.table(
                ["LEAD", "STATE", "REP", "RULE", "OFFERED", "SEQ"],
                reply.assignments.map {
                    [
                        $0.lead.id, $0.state, $0.rep.isEmpty ? "-" : $0.rep, $0.rule, Output.time($0.offeredAtMs),
                        "\($0.seq)",
                    ]
                })
            if !reply.nextPageToken.isEmpty { print("more: leadctl assignments --after \(reply.nextPageToken)") }
        }
    }
}

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Follow assignment events live.")
    @OptionGroup var options: ConnectionOptions
    @Option var rep: String = ""
    @Option var team: String = ""
    @Option(name: .customLong("from-seq"), help: "Replay everything after this sequence number first.") var fromSeq:
        UInt64 = 0
    @Option(help: "Stop after this many events.") var count: Int?

    func run() async throws {
        try await withClient(options) { client in
            var request = Leadrouter_V1_StreamAssignmentsRequest()
            request.rep = rep
            request.team = team
            request.fromSeq = fromSeq
            var seen = 0
            if count == 0 { return }
            for try await event in client.resumingAssignments(request) {
                if options.json {
                    Output.json(event)
                } else {
                    let detail = [event.rule, event.detail].filter { !$0.isEmpty }.joined(separator: " ")
                    print(
                        "\(event.seq)  \(Output.time(event.timeMs))  \(event.kind)  lead=\(event.leadID.isEmpty ? "-" : event.leadID)  rep=\(event.rep.isEmpty ? "-" : event.rep)  \(detail)"
                    )
                }
                Output.flush()
                seen += 1
                if let count, seen >= count { return }
            }
        }
    }
}

struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load, fairness and speed-to-lead figures.")
    @OptionGroup var options: ConnectionOptions

    func run() async throws {
        try await withClient(options) { client in
            let stats = try await client.stats()
            if options.json { return Output.json(stats) }
            print(
                "last seq \(stats.lastSeq)  assignments \(stats.totalAssignments)  open \(stats.openAssignments)  queued \(stats.queueDepth)  accepted \(stats.accepted)"
            )
            print(
                "speed to lead: assign p50 \(Int(stats.timeToAssignP50Ms)) ms, p99 \(Int(stats.timeToAssignP99Ms)) ms; accept p50 \(Int(stats.timeToAcceptP50Ms)) ms, p99 \(Int(stats.timeToAcceptP99Ms)) ms"
            )
            Output.table(
                ["REP", "STATUS", "OPEN", "CAPACITY", "RECEIVED", "SHARE", "TARGET"],
                stats.reps.map {
                    [
                        $0.rep, $0.status, "\($0.openAssignments)", "\($0.capacity)", "\($0.received)",
                        percent($0.share), percent($0.target),
                    ]
                })
            print(
                "RECEIVED, SHARE and TARGET count the leads given through the pools each rep belongs to; an account owner's leads are continuity, not a share, and OPEN counts them"
            )
        }
    }

    private func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }
}

/// Renders explanations for people.
enum Explaining {
    static func summary(_ explanation: Leadrouter_V1_Explanation) -> String {
        let target = explanation.chosen.isEmpty ? "queued (no eligible rep)" : "→ \(explanation.chosen)"
        return "\(target) by rule '\(explanation.rule)' (policy \(explanation.policyVersion))"
    }

    static func full(_ explanation: Leadrouter_V1_Explanation, lead: String) -> String {
        var lines = ["lead \(lead): \(explanation.outcome) \(summary(explanation))"]
        if !explanation.rulesNotMatched.isEmpty {
            lines.append("rules checked before, not matching: " + explanation.rulesNotMatched.joined(separator: ", "))
        }
        for (index, stage) in explanation.stages.enumerated() {
            lines.append(
                "stage \(index + 1): pool \(stage.pool), \(stage.strategy)"
                    + (stage.chosen.isEmpty ? ", nobody eligible" : ", chose \(stage.chosen)"))
            for candidate in stage.candidates {
                let score = candidate.hasScore ? String(format: " (score %.3f)", candidate.score) : ""
                lines.append(
                    "  \(candidate.rep): \(candidate.rejection.isEmpty ? "chosen" : candidate.rejection)\(score)")
            }
            if stage.candidates.isEmpty && !stage.rejectionCounts.isEmpty {
                lines.append(
                    "  passed over: "
                        + stage.rejectionCounts.keys.sorted().map { "\($0) \(stage.rejectionCounts[$0]!)" }.joined(
                            separator: ", "))
            }
        }
        for note in explanation.notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }
}
