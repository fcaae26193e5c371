/// Live state of every rep, stored by dense roster index in a persistent vector.
///
/// Each slot holds a rep's plain live values (what every eligibility check reads) beside the list of
/// their open lead ids (read only when their work is released or listed). One vector for both means
/// an offer, which changes both, copies one path of the trie instead of two; checks read the plain
/// values in place (``PersistentVector/read(_:_:)``), so they never touch the list's reference count.
public struct PresenceTable: Hashable, Sendable {
    struct Slot: Sendable {
        var live: RepPresence?
        var open = OpenLeads()
    }

    private var slots = PersistentVector<Slot>()
    /// Shared with the roster that assigned the indexes (same storage, not a copy).
    private var indexOf: [RepID: Int32] = [:]

    public subscript(rep: RepID) -> RepPresence? {
        guard let index = indexOf[rep] else { return nil }
        return self[dense: index]
    }

    subscript(dense index: Int32) -> RepPresence? {
        Int(index) < slots.count ? slots.read(Int(index)) { $0.live } : nil
    }

    /// Replaces a rep's live values; `nil` (a removed rep) also forgets their open list.
    mutating func set(_ index: Int32, _ presence: RepPresence?) {
        while slots.count <= Int(index) { slots.append(Slot()) }
        slots.update(Int(index)) { slot in
            slot.live = presence
            if presence == nil { slot.open = OpenLeads() }
        }
    }

    /// The rep's list of open lead ids, stale entries included (see ``OpenLeads``).
    func openList(dense index: Int32) -> OpenLeads {
        Int(index) < slots.count ? slots.read(Int(index)) { $0.open } : OpenLeads()
    }

    mutating func setOpenList(_ index: Int32, _ list: OpenLeads) {
        slots.update(Int(index)) { $0.open = list }
    }

    /// An offer's change to its rep: new live values and the lead on their open list, in one walk of
    /// the trie (the caller counts the lead in ``RepPresence/openAssignments``).
    mutating func offer(_ lead: LeadID, to index: Int32, live: RepPresence) {
        slots.update(Int(index)) { slot in
            slot.live = live
            slot.open.insert(lead)
        }
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
    public static func == (lhs: PresenceTable, rhs: PresenceTable) -> Bool {
        lhs.slots.count == rhs.slots.count
            && (0..<Int32(lhs.slots.count)).allSatisfy { lhs[dense: $0] == rhs[dense: $0] }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(slots.count) }
}
