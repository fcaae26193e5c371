import HashTreeCollections
import HeapModule

/// Offered leads by the second their SLA runs out, and those seconds in a heap, so that a tick finds
/// what is due without looking at anything else.
///
/// Ticks used to filter every second that had a bucket: with 100,000 offers on a day-long SLA, 8 ms
/// of every tick (four a second) inside the sequencer. Entries are not removed on acceptance; expiry
/// checks each lead's record before acting.
struct SLABuckets: Sendable {
    private var leads: TreeDictionary<Int64, LeadList> = [:]
    /// Every key of `leads`, once.
    private var seconds = Heap<Int64>()

    mutating func add(_ lead: LeadID, dueAt second: Int64) {
        let list = leads[second]
        if list == nil { seconds.insert(second) }
        leads[second] = LeadList(lead, next: list)
    }

    /// Removes the buckets due by `second` and answers their leads, earliest second first and, within
    /// one, in the order they were offered.
    mutating func takeDue(by second: Int64) -> [LeadID] {
        var due: [LeadID] = []
        while let first = seconds.min, first <= second {
            seconds.removeMin()
            if let list = leads.removeValue(forKey: first) { due += list.all.reversed() }
        }
        return due
    }

    /// ``takeDue(by:)`` without removing anything.
    func due(by second: Int64) -> [LeadID] {
        leads.keys.filter { $0 <= second }.sorted().flatMap { leads[$0]!.all.reversed() }
    }
}
