/// A pool's ledger laid out by position in one member list: what a weighted pick reads.
///
/// A weighted pick reads every eligible member's standing; through the ledger's trie that was a walk
/// of about 93 instructions per member, a quarter of a weighted route. Here it is an array read. The
/// copy is derived (``PoolState`` keeps it in step with the ledger, or drops it), built by a weighted
/// pick that found none for its members, and never part of a state's identity or snapshot.
struct MemberLedger: Sendable {
    /// The member list the entries are laid out by (dense rep indexes).
    let members: [Int32]
    /// Each member's entry, `nil` for a member the ledger does not know yet.
    private(set) var entries: [LedgerEntry?]

    init(members: [Int32], entries: [LedgerEntry?]) {
        precondition(members.count == entries.count, "\(entries.count) ledger entries for \(members.count) members")
        self.members = members
        self.entries = entries
    }

    /// Whether the entries are laid out by `list`: the same array (a team's or territory's list from
    /// one roster) answers at once, another with the same members after comparing them.
    func isLaidOut(by list: [Int32]) -> Bool {
        let same = members.withUnsafeBufferPointer { mine in
            list.withUnsafeBufferPointer { theirs in mine.baseAddress == theirs.baseAddress }
        }
        return members.count == list.count && (same || members == list)
    }

    /// Sets a member's entry; `false` when `rep` is not a member (the copy then no longer follows the
    /// ledger, and its owner drops it).
    mutating func set(_ rep: Int32, _ entry: LedgerEntry) -> Bool {
        guard let position = members.position(of: rep) else { return false }
        entries[position] = entry
        return true
    }
}
