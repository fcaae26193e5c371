/// The leads a rep holds open (offered or accepted, not yet completed), so that a rep going offline
/// releases its work without scanning every assignment.
///
/// Every route adds one, so adding must be cheap: it prepends to a persistent list (``LeadList``:
/// earlier states share what was there) instead of copying a path of a persistent set. Removal
/// is lazy: the rep's ``RepPresence/openAssignments`` (`open` below) drops at once, while the entry
/// stays in the list until the next compaction. The assignment records are the truth;
/// ``members(of:open:in:)`` filters the list against them, and the state compacts a rep's list whenever
/// stale entries outnumber live ones, so it never grows beyond about twice the rep's open work.
public struct OpenLeads: Sendable {
    private var list = LeadList()
    /// Entries in `list`, stale ones included.
    private var length = 0

    public init() {}

    /// A list holding exactly `leads` (from a snapshot, or a compaction).
    public init(exactly leads: [LeadID]) {
        for lead in leads { insert(lead) }
    }

    mutating func insert(_ lead: LeadID) {
        list.prepend(lead)
        length += 1
    }

    /// Whether stale entries outnumber the `open` live ones enough to rebuild the list.
    func needsCompaction(open: Int) -> Bool { length > 2 * open + 8 }

    /// Whether the list holds exactly the `open` leads: nothing was removed since it was last built, so
    /// no entry is stale and none is repeated (a repeat needs an earlier entry that went stale).
    func isExact(open: Int) -> Bool { length == open }

    /// The leads open with `rep`: list entries whose record still says so, each once, oldest first.
    func members(of rep: RepID, open: Int, in assignments: AssignmentTable) -> [LeadID] {
        if isExact(open: open) { return entries }
        var seen = Set<LeadID>()
        var members: [LeadID] = []
        list.forEach { lead in
            if let record = assignments[lead], record.rep == rep,
                record.state == .offered || record.state == .accepted, seen.insert(lead).inserted
            {
                members.append(lead)
            }
        }
        return members.reversed()
    }

    /// The list as it stands, oldest first, stale entries included. Exact in an ``EngineSnapshot``,
    /// whose presence carries compacted lists.
    public var entries: [LeadID] { list.all.reversed() }

    /// A copy holding exactly the leads open with `rep`.
    func compacted(for rep: RepID, open: Int, in assignments: AssignmentTable) -> OpenLeads {
        isExact(open: open) ? self : OpenLeads(exactly: members(of: rep, open: open, in: assignments))
    }
}
