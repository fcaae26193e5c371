import LeadRouterCore
import LeadRouterStorage
import LeadRouterWire
import NIOCore

/// `ReplayPolicy`: recorded traffic against a candidate policy. A scan, on a queue of its own: a
/// window of a million events takes seconds, and other scans should not wait for it.
enum ReplayCalls {
    static let defaultMaxEvents = 1_000_000
    /// Events read from the journal (or the in-memory history) at a time.
    static let batch = 4096

    static let replay: ScanMethod = { call in
        let request = try Leadrouter_V1_ReplayRequest(payload: call.payload)
        guard !request.policyYaml.isEmpty else {
            throw RPCError(.invalidArgument, "policy_yaml is required: the candidate policy to replay against")
        }
        let candidate = try PolicyParser.parse(request.policyYaml)
        try PolicyValidator.requireValid(candidate)
        // The window ends with the last event committed before the call's turn, or earlier if asked.
        let last = call.engine.lastSeq
        let through = request.toSeq == 0 ? last : min(request.toSeq, last)
        let window = Window(request: request, through: through)
        let source = History(engine: call.engine, store: call.server.journal?.store)
        let cancellation = call.cancellation
        return {
            // Why the walk should stop now, if it should: the caller cancelled or went away, or the
            // deadline passed.
            let stopping = { cancellation.flatMap { $0.shouldStop ? $0.error : nil } }
            let replay = try window.replay(from: source, candidate: candidate, stoppingWhen: stopping)
            let listed = request.changesListed == 0 ? PolicyReplay.changesListed : Int(request.changesListed)
            guard let report = replay.run(changesListed: listed, stoppingWhen: { stopping() != nil }) else {
                throw stopping() ?? RPCError(.cancelled, "cancelled by the client")
            }
            return wire(report).payload()
        }
    }

    /// Where the recorded events come from: the journal, or (a server without a data folder) the
    /// in-memory history while it still reaches back to the first event.
    struct History: Sendable {
        let engine: RoutingEngine
        let store: JournalStore?

        func base(before start: PastState.Start) throws -> EngineState {
            if let store {
                do {
                    return try PastState.base(store, before: start)
                } catch let error as StorageError {
                    throw RPCError(.failedPrecondition, error.description)
                }
            }
            guard engine.events(after: 0, limit: 1) != nil else {
                throw RPCError(
                    .failedPrecondition,
                    "this server runs without a data folder and its in-memory history (the last \(engine.configuration.historyCapacity) events) no longer reaches back to its first event; a replay needs the journal of a server run with --data"
                )
            }
            return EngineState()
        }

        func events(after seq: UInt64, limit: Int) throws -> [EngineEvent] {
            if let store { return try store.events(after: seq, limit: limit) }
            guard let events = engine.events(after: seq, limit: limit) else {
                throw RPCError(
                    .aborted, "the in-memory history moved past seq \(seq) during the replay; replay a shorter window")
            }
            return events
        }
    }

    /// The window a request asks for, up to `through`.
    struct Window: Sendable {
        let fromSeq: UInt64
        let since: Timestamp?
        let until: Timestamp?
        let through: UInt64
        let maxEvents: Int

        init(request: Leadrouter_V1_ReplayRequest, through: UInt64) {
            fromSeq = request.fromSeq
            since = request.sinceMs == 0 ? nil : Timestamp(millis: request.sinceMs)
            until = request.untilMs == 0 ? nil : Timestamp(millis: request.untilMs)
            self.through = through
            maxEvents = request.maxEvents == 0 ? defaultMaxEvents : Int(request.maxEvents)
        }

        private func isBefore(_ event: EngineEvent) -> Bool {
            event.seq <= fromSeq || since.map { event.time < $0 } ?? false
        }

        /// Reads the window in one pass: from the nearest kept state at or before it, the events
        /// before the window move that state forward; the first one inside starts the replay, which
        /// takes the rest.
        func replay(from history: History, candidate: Policy, stoppingWhen stop: () -> RPCError?) throws
            -> PolicyReplay
        {
            var state = try history.base(before: since.map { .at($0) } ?? .after(seq: fromSeq))
            var replay: PolicyReplay?
            var last = state.lastSeq
            reading: while last < through {
                if let stopped = stop() { throw stopped }
                let events = try history.events(after: last, limit: batch)
                guard let first = events.first, first.seq == last + 1 else { break }
                for event in events {
                    guard event.seq <= through, until.map({ event.time < $0 }) ?? true else { break reading }
                    if replay == nil {
                        if isBefore(event) {
                            try state.apply(event)
                            continue
                        }
                        replay = PolicyReplay(start: state, candidate: candidate)
                    }
                    guard replay!.events < maxEvents else {
                        throw RPCError(
                            .outOfRange,
                            "the window holds more than \(maxEvents) events (from seq \(state.lastSeq + 1) to \(through)); replay a later start (since_ms, from_seq) or raise max_events"
                        )
                    }
                    try replay!.record(event)
                }
                last = events.last!.seq
            }
            return replay ?? PolicyReplay(start: state, candidate: candidate)
        }
    }

    static func wire(_ report: ReplayReport) -> Leadrouter_V1_ReplayReply {
        var reply = Leadrouter_V1_ReplayReply()
        reply.firstSeq = report.firstSeq
        reply.lastSeq = report.lastSeq
        reply.fromMs = report.from.millis
        reply.toMs = report.to.millis
        reply.candidateVersion = report.candidateVersion
        reply.recorded = wire(report.recorded)
        reply.live = wire(report.live)
        reply.candidate = wire(report.candidate)
        reply.changedLeads = UInt32(report.changedLeads)
        reply.changes = report.changes.map { change in
            var wire = Leadrouter_V1_ReplayChange()
            wire.leadID = change.lead
            wire.liveRep = change.live ?? ""
            wire.candidateRep = change.candidate ?? ""
            return wire
        }
        return reply
    }

    static func wire(_ outcome: ReplayOutcome) -> Leadrouter_V1_ReplayOutcome {
        var wire = Leadrouter_V1_ReplayOutcome()
        wire.leads = UInt32(outcome.leads)
        wire.offeredOnArrival = UInt32(outcome.offeredOnArrival)
        wire.queuedOnArrival = UInt32(outcome.queuedOnArrival)
        wire.neverOffered = UInt32(outcome.neverOffered)
        wire.offers = UInt32(outcome.offers)
        wire.accepted = UInt32(outcome.accepted)
        wire.slaMisses = UInt32(outcome.slaMisses)
        wire.escalations = UInt32(outcome.escalations)
        wire.timeToAssignP50Ms = Double(outcome.timeToAssign.p50)
        wire.timeToAssignP90Ms = Double(outcome.timeToAssign.p90)
        wire.timeToAcceptP50Ms = Double(outcome.timeToAccept.p50)
        wire.timeToAcceptP90Ms = Double(outcome.timeToAccept.p90)
        (wire.fairnessGapMean, wire.fairnessGapMax) = outcome.fairnessGap
        wire.reps = outcome.shares.map { share in
            var stats = Leadrouter_V1_RepStats()
            stats.rep = share.rep
            stats.received = Int32(share.received)
            stats.share = share.share
            stats.target = share.target
            return stats
        }
        return wire
    }
}
