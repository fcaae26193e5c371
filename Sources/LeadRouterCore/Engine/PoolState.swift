/// Per-pool routing memory: the round-robin cursor and the fairness ledger.
public struct PoolState: Hashable, Sendable {
    /// Dense index of the rep picked last by round-robin.
    var cursor: Int32?
    /// Standing per rep (by dense index). Changed only through the methods below, which keep
    /// ``byMember`` in step with it.
    private(set) var entries = Ledger()
    /// The ledger laid out by the member list of the last weighted pick, for the next one; derived.
    /// An offer after a publication copies it whole (like the queue's heap): linear in the members,
    /// as the weighted pick that precedes the offer is.
    private(set) var byMember: MemberLedger?

    init(cursor: Int32? = nil, entries: Ledger = Ledger()) {
        self.cursor = cursor
        self.entries = entries
    }

    /// The cursor and the ledger; the derived copy is not part of a pool's state.
    public static func == (lhs: PoolState, rhs: PoolState) -> Bool {
        lhs.cursor == rhs.cursor && lhs.entries == rhs.entries
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(cursor)
        hasher.combine(entries)
    }
}

extension PoolState {
    /// Counts an offer to `rep`, after giving reps new to the pool their calibration credit.
    /// - Parameter laidOut: the ledger by member position, built by the weighted pick that chose
    ///   `rep` because this pool had none for its members (kept from now on).
    mutating func recordOffer(
        to rep: Int32, roundRobin: Bool, joining: [(Int32, Int)], laidOut: MemberLedger? = nil
    ) {
        if roundRobin { cursor = rep }
        if let laidOut { byMember = laidOut }
        for (joiner, credit) in joining where entries[joiner] == nil {
            set(joiner, LedgerEntry(received: 0, credit: credit))
        }
        // Counted in place, one walk of the ledger; the copy by member follows.
        let entry = Self.count(&entries[rep, default: LedgerEntry()])
        follow(rep, entry)
    }

    private static func count(_ entry: inout LedgerEntry) -> LedgerEntry {
        entry.received += 1
        return entry
    }

    /// Sets a rep's entry; `nil` removes it (a rep removed from the roster).
    mutating func setEntry(_ entry: LedgerEntry?, for rep: Int32) {
        if let entry {
            set(rep, entry)
        } else {
            entries[rep] = nil
            byMember = nil
        }
    }

    private mutating func set(_ rep: Int32, _ entry: LedgerEntry) {
        entries[rep] = entry
        follow(rep, entry)
    }

    /// Keeps the copy by member in step with a changed entry, or drops it.
    private mutating func follow(_ rep: Int32, _ entry: LedgerEntry) {
        if byMember?.set(rep, entry) == false { byMember = nil }
    }
}
