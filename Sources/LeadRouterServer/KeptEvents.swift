import LeadRouterCore
import LeadRouterStorage

/// The events a server still keeps: the engine's in-memory history, then (on a durable server) the
/// journal behind it. Streams catching up and lead histories read through it.
struct KeptEvents: Sendable {
    let engine: RoutingEngine
    let store: JournalStore?

    /// Events after `seq`, in order; `nil` when the next one is kept nowhere.
    func after(_ seq: UInt64, limit: Int) throws -> [EngineEvent]? {
        if let events = engine.events(after: seq, limit: limit) { return events }
        guard let events = try store?.events(after: seq, limit: limit), events.first?.seq == seq + 1 else {
            return nil
        }
        return events
    }

    /// The oldest sequence number still kept anywhere.
    func oldest() throws -> UInt64 {
        let journal = try store?.oldestJournalSeq ?? 0
        return journal > 0 ? min(journal, engine.oldestRetainedSeq) : engine.oldestRetainedSeq
    }

    /// The first kept event at or after `time` (event times follow sequence numbers), searched by
    /// halves up to `last`; `complete` is false when events before the oldest kept one might
    /// still have been at or after `time`.
    func firstSeq(at time: Timestamp, through last: UInt64) throws -> (seq: UInt64, complete: Bool) {
        var low = try oldest()
        var high = last
        // Everything up to `last` is gone (a lead whose caller's clock ran far ahead, so `time` is
        // later than its events): nothing to search.
        guard high >= low else { return (low, false) }
        guard let oldest = try after(low - 1, limit: 1)?.first else { return (low, low <= 1) }
        if oldest.time >= time { return (low, low <= 1) }
        // Invariant: the event at `low` is before `time`; the answer is in (low, high].
        while high - low > 1 {
            let middle = low + (high - low) / 2
            guard let event = try after(middle - 1, limit: 1)?.first else { return (low, false) }
            if event.time >= time { high = middle } else { low = middle }
        }
        return (high, true)
    }
}
