/// Live state of every rep, stored by dense roster index in persistent vectors.
///
/// The plain per-rep values (what every eligibility check reads) and the lists of open lead ids (read
/// only when a rep's work is released or listed) are kept in two vectors, so that reading or copying a
/// trie leaf of the first never touches a reference count.
public struct PresenceTable: Hashable, Sendable {
    private var vector = PersistentVector<RepPresence?>()
    /// Parallel to `vector`.
    private var openLists = PersistentVector<OpenLeads>()
    /// Shared with the roster that assigned the indexes (same storage, not a copy).
    private var indexOf: [RepID: Int32] = [:]

    public subscript(rep: RepID) -> RepPresence? {
        guard let index = indexOf[rep], Int(index) < vector.count else { return nil }
        return vector[Int(index)]
    }

    subscript(dense index: Int32) -> RepPresence? { Int(index) < vector.count ? vector[Int(index)] : nil }

    /// Replaces a rep's live values; `nil` (a removed rep) also forgets their open list.
    mutating func set(_ index: Int32, _ presence: RepPresence?) {
        while vector.count <= Int(index) {
            vector.append(nil)
            openLists.append(OpenLeads())
        }
        vector.set(Int(index), presence)
        if presence == nil { openLists.set(Int(index), OpenLeads()) }
    }

    /// The rep's list of open lead ids, stale entries included (see ``OpenLeads``).
    func openList(dense index: Int32) -> OpenLeads {
        Int(index) < openLists.count ? openLists[Int(index)] : OpenLeads()
    }

    mutating func setOpenList(_ index: Int32, _ list: OpenLeads) { openLists.set(Int(index), list) }

    /// Adds a lead to the rep's open list (the caller counts it in ``RepPresence/openAssignments``).
    mutating func addOpenLead(_ lead: LeadID, at index: Int32) {
        var list = openList(dense: index)
        list.insert(lead)
        setOpenList(index, list)
    }

    /// The rep's open list as stored (stale entries included), for tests and snapshots.
    public func openListEntries(of rep: RepID) -> [LeadID] {
        guard let index = indexOf[rep] else { return [] }
        return openList(dense: index).entries
    }

    /// Adopts a roster's index map after reps were added or removed.
    mutating func follow(_ roster: Roster) { indexOf = roster.indexOf }

    public var count: Int { indexOf.count }

    /// Every rep's live state by id.
    public var all: [RepID: RepPresence] {
        indexOf.compactMapValues { self[dense: $0] }
    }

    /// The open lists follow from the assignment records (an invariant the tests check) and may differ
    /// in shape between equal states, so only the plain values are identity.
    public static func == (lhs: PresenceTable, rhs: PresenceTable) -> Bool { lhs.vector == rhs.vector }
    public func hash(into hasher: inout Hasher) { hasher.combine(vector) }
}
