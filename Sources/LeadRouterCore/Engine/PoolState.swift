import HashTreeCollections

/// Per-pool routing memory: the round-robin cursor and the fairness ledger.
public struct PoolState: Hashable, Sendable {
    /// Dense index of the rep picked last by round-robin.
    var cursor: Int32?
    /// Standing per rep (by dense index).
    var entries: TreeDictionary<Int32, LedgerEntry> = [:]
}
