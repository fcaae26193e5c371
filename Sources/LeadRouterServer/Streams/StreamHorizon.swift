/// How far assignment streams may read the engine's history.
///
/// Under `durability: sync`, only as far as the journal holds: a dialer that was sent an event a
/// crash then took back would call a lead whose assignment no longer exists, and, resuming from that
/// event's sequence number, would skip the different events the restarted server numbers the same.
/// Events reach the journal tens of microseconds after the engine commits them; the streams are
/// pumped when they do. In memory, or with `durability: async` (which accepts losing the last
/// acknowledged calls), streams read everything committed, at once.
struct StreamHorizon: Sendable {
    /// The journal's durable sequence number, read with an acquiring load; `nil` for no limit.
    private let durable: (@Sendable () -> UInt64)?

    init(durable: (@Sendable () -> UInt64)?) {
        self.durable = durable
    }

    /// Whether streams wait for the journal (and are pumped when it advances, not on commit).
    var waitsForJournal: Bool { durable != nil }

    /// How many events after `seq` a stream may read now, at most `limit`.
    func readable(after seq: UInt64, limit: Int) -> Int {
        guard let durable else { return limit }
        let last = durable()
        return last > seq ? Int(min(UInt64(limit), last - seq)) : 0
    }
}
