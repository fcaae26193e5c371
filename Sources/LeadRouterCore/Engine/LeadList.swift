/// A persistent list of lead ids, newest first: adding one never changes what an earlier version of
/// the list (held by a published state) sees.
///
/// Ids are kept in runs of up to 16 (`Chunk`), newest run first. Adding to a list whose newest run
/// nobody else holds appends to that run in place; otherwise it starts a new run in front, sharing
/// every older one. Every route adds its lead to two lists (its rep's open work and its SLA second),
/// and a node of its own per id was two of a route's eight allocations.
struct LeadList: Hashable, Sendable {
    /// Up to `capacity` ids, oldest first, and the older runs behind them.
    ///
    /// `@unchecked Sendable`: `leads` changes only through a list that holds the only reference to
    /// the run (checked with `isKnownUniquelyReferenced`), so no other thread, nor any other version
    /// of the list, can be reading it while it changes.
    private final class Chunk: @unchecked Sendable {
        static let capacity = 16
        /// Unchecked for the same reason: a checked class property paid a run-time exclusivity check
        /// (`swift_beginAccess`) on every append and every read.
        @exclusivity(unchecked) var leads: [LeadID]
        let next: Chunk?

        init(_ lead: LeadID, next: Chunk?) {
            leads = []
            leads.reserveCapacity(Self.capacity)
            leads.append(lead)
            self.next = next
        }
    }

    private var newest: Chunk?

    init() {}

    var isEmpty: Bool { newest == nil }

    mutating func prepend(_ lead: LeadID) {
        if newest != nil, isKnownUniquelyReferenced(&newest!), newest!.leads.count < Chunk.capacity {
            newest!.leads.append(lead)
        } else {
            newest = Chunk(lead, next: newest)
        }
    }

    /// Calls `body` with every id, newest first.
    func forEach(_ body: (LeadID) throws -> Void) rethrows {
        var chunk = newest
        while let current = chunk {
            for lead in current.leads.reversed() { try body(lead) }
            chunk = current.next
        }
    }

    /// Every id, newest first.
    var all: [LeadID] {
        var result: [LeadID] = []
        forEach { result.append($0) }
        return result
    }

    static func == (lhs: LeadList, rhs: LeadList) -> Bool { lhs.newest === rhs.newest || lhs.all == rhs.all }
    func hash(into hasher: inout Hasher) { hasher.combine(all) }
}
