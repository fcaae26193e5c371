/// One command at work: changes the engine's state while it decides, and applies each event it emits
/// to it at once, so the decisions after an event see it.
///
/// The state stays where the caller keeps it and is changed there through a pointer: moving it into
/// a transaction and back copied it (a retain of each of its maps) and destroyed the transaction's
/// copy (a release of each), on every command.
struct Transaction: ~Copyable {
    private let storage: UnsafeMutablePointer<EngineState>
    private(set) var events: [EngineEvent] = []
    let now: Timestamp
    let configuration: EngineConfiguration

    private init(state: UnsafeMutablePointer<EngineState>, now: Timestamp, configuration: EngineConfiguration) {
        self.storage = state
        // Never stamp an event before the last one, even if the wall clock steps back.
        self.now = max(now, state.pointee.lastTime)
        self.configuration = configuration
    }

    /// Runs `body` with a transaction over `state`, which it changes in place.
    static func run<Result>(
        on state: inout EngineState, now: Timestamp, configuration: EngineConfiguration,
        _ body: (inout Transaction) -> Result
    ) -> Result {
        withUnsafeMutablePointer(to: &state) { pointer in
            var transaction = Transaction(state: pointer, now: now, configuration: configuration)
            return body(&transaction)
        }
    }

    private(set) var state: EngineState {
        unsafeAddress { UnsafePointer(storage) }
        unsafeMutableAddress { storage }
    }

    /// Applies and records one event; answers (the box of) the lead's record when the event offered or
    /// queued it.
    @discardableResult
    mutating func emit(_ kind: EngineEvent.Kind) -> AssignmentTable.Box? {
        let event = EngineEvent(seq: state.lastSeq + 1, time: now, kind: kind)
        // Cannot fail: the sequence number is the successor by construction.
        let record = try! state.applyReporting(event)
        events.appendFirstDirectly(event)
        return record
    }

    /// ``emit(_:)`` for an offer: applied before it goes into its event, which it then moves into.
    /// `isNew`: the lead has no record (the caller looked).
    /// `laidOut`: the pool's ledger by member position, built by the weighted pick (see ``MemberLedger``).
    mutating func emitOffer(
        _ offer: consuming Offer, repIndex: Int32, keys: (lead: AssignmentTable.Key, pool: HashedName), isNew: Bool,
        laidOut: MemberLedger? = nil
    ) -> AssignmentTable.Box {
        let seq = state.lastSeq + 1
        let record = state.applyOffered(
            offer, seq: seq, at: now, repIndex: repIndex, keys: keys, isNew: isNew, laidOut: laidOut)
        events.appendFirstDirectly(EngineEvent(seq: seq, time: now, kind: .offered(consume offer)))
        return record
    }

    /// ``emit(_:)`` for a queued lead, as ``emitOffer(_:repIndex:keys:isNew:laidOut:)`` is for an offer.
    mutating func emitQueued(_ waiting: consuming QueuedLead, key: AssignmentTable.Key, isNew: Bool)
        -> AssignmentTable.Box
    {
        let seq = state.lastSeq + 1
        let record = state.applyQueued(waiting, seq: seq, at: now, key: key, isNew: isNew)
        events.appendFirstDirectly(EngineEvent(seq: seq, time: now, kind: .queued(consume waiting)))
        return record
    }

    /// The best lead still waiting, taken out of the dispatch order (not out of the queue).
    mutating func takeBestQueued() -> QueueEntry? { state.queueOrder.popBest(in: state.queue) }

    /// Returns a lead taken with ``takeBestQueued()`` to the dispatch order, if it is still waiting.
    mutating func putBackQueued(_ entry: QueueEntry) {
        if state.queue[entry.lead]?.seq == entry.seq { state.queueOrder.putBack(entry) }
    }

    /// Whether the tick should look at the queue for leads time made placeable (``TimeDrivenLook``).
    var timeDrivenLookIsDue: Bool { state.timeDrivenLook.isDue(at: now, roster: state.roster) }

    /// Records the tick's look at the queue in the derived ``TimeDrivenLook``.
    mutating func recordTimeDrivenLook(placedSome: Bool) {
        let roster = state.roster
        state.timeDrivenLook.looked(at: now, roster: roster, placedSome: placedSome)
    }

    /// Takes the offers whose SLA ran out from the derived SLA index.
    mutating func takeOffersDue(limit: Int) -> [LeadID] { state.takeOffersDue(by: now, limit: limit) }
    var hasOffersDue: Bool { state.hasOffersDue(by: now) }

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
