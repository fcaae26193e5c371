/// Live state of every rep, stored by dense roster index in a persistent vector.
public struct PresenceTable: Hashable, Sendable {
    private var vector = PersistentVector<RepPresence?>()
    /// Shared with the roster that assigned the indexes (same storage, not a copy).
    private var indexOf: [RepID: Int32] = [:]

    public subscript(rep: RepID) -> RepPresence? {
        guard let index = indexOf[rep], Int(index) < vector.count else { return nil }
        return vector[Int(index)]
    }

    subscript(dense index: Int32) -> RepPresence? { Int(index) < vector.count ? vector[Int(index)] : nil }

    mutating func set(_ index: Int32, _ presence: RepPresence?) {
        while vector.count <= Int(index) { vector.append(nil) }
        vector.set(Int(index), presence)
    }

    /// Adopts a roster's index map after reps were added or removed.
    mutating func follow(_ roster: Roster) { indexOf = roster.indexOf }

    public var count: Int { indexOf.count }

    /// Every rep's live state by id.
    public var all: [RepID: RepPresence] {
        indexOf.compactMapValues { self[dense: $0] }
    }

    public static func == (lhs: PresenceTable, rhs: PresenceTable) -> Bool { lhs.vector == rhs.vector }
    public func hash(into hasher: inout Hasher) { hasher.combine(vector) }
}
