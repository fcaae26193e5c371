/// One command at work: holds the engine's state while it decides, and applies each event it emits
/// to it at once, so the decisions after an event see it.
struct Transaction {
    private(set) var state: EngineState
    private(set) var events: [EngineEvent] = []
    let now: Timestamp
    let configuration: EngineConfiguration

    init(state: EngineState, now: Timestamp, configuration: EngineConfiguration) {
        self.state = state
        // Never stamp an event before the last one, even if the wall clock steps back.
        self.now = max(now, state.lastTime)
        self.configuration = configuration
    }

    /// The state with everything the command did, handed back to the engine.
    consuming func finish() -> EngineState { state }

    /// Applies and records one event; answers the lead's record when the event offered or queued it.
    @discardableResult
    mutating func emit(_ kind: EngineEvent.Kind) -> Assignment? {
        let event = EngineEvent(seq: state.lastSeq + 1, time: now, kind: kind)
        // Cannot fail: the sequence number is the successor by construction.
        let record = try! state.applyReporting(event)
        events.append(event)
        return record
    }

    /// Trims the derived SLA index; kept only if the transaction also commits events.
    mutating func dropSLABuckets(_ seconds: [Int64]) { state.dropSLABuckets(seconds) }

    func rep(_ id: RepID) throws -> Rep {
        guard let rep = state.roster.reps[id] else {
            throw RoutingError(.notFound, "rep '\(id)' does not exist; load it with an upsert first")
        }
        return rep.rep
    }

    func assignment(_ lead: LeadID) throws -> Assignment {
        guard let record = state.assignments[lead] else {
            throw RoutingError(.notFound, "lead '\(lead)' has never been routed")
        }
        return record
    }
}
