/// Per-pool routing memory: the round-robin cursor and the fairness ledger.
public struct PoolState: Hashable, Sendable {
    /// Dense index of the rep picked last by round-robin.
    var cursor: Int32?
    /// Standing per rep (by dense index).
    var entries = Ledger()
}

extension PoolState {
    /// Counts an offer to `rep`, after giving reps new to the pool their calibration credit.
    mutating func recordOffer(to rep: Int32, roundRobin: Bool, joining: [(Int32, Int)]) {
        if roundRobin { cursor = rep }
        for (joiner, credit) in joining where entries[joiner] == nil {
            entries[joiner] = LedgerEntry(received: 0, credit: credit)
        }
        entries[rep, default: LedgerEntry()].received += 1
    }
}
