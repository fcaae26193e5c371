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
    /// The bucket the last offer went into, kept out of `leads` while offers keep landing in it: a
    /// rule's offers share its SLA, so one after another they fall due in the same second, and adding
    /// to this one costs no read or write of the map (a tenth of applying an offer). It goes back
    /// into `leads` when an offer falls due in another second, or a tick comes.
    private var latest: (second: Int64, list: LeadList)?
    /// Every second with a bucket (in `leads` or `latest`), once.
    private var seconds = Heap<Int64>()
    /// The leads of a due bucket a tick took only in part (``takeDue(by:limit:)``), in the order they
    /// were offered, and the first one not yet taken.
    private var remainder: (leads: [LeadID], next: Int)?

    /// The bucket of an offer whose SLA runs out at `deadline`: the first whole second at or after
    /// it. A tick takes the buckets up to its own second, so every lead it takes is due. Keyed by the
    /// second the deadline falls in, a tick early in that second took the bucket, found the later
    /// deadlines in it not yet due and dropped them: those offers never expired (with a 100 ms tick,
    /// an offer whose deadline fell late in its second was never taken from its rep).
    static func second(of deadline: Timestamp) -> Int64 { deadline.secondsRoundedUp }

    mutating func add(_ lead: LeadID, dueAt second: Int64) {
        if latest?.second == second {
            latest!.list.prepend(lead)
            return
        }
        settleLatest()
        var list = leads.removeValue(forKey: second) ?? LeadList()
        if list.isEmpty { seconds.insert(second) }
        list.prepend(lead)
        latest = (second, list)
    }

    /// Puts the latest bucket back among the others.
    private mutating func settleLatest() {
        guard let latest else { return }
        leads[latest.second] = latest.list
        self.latest = nil
    }

    /// Removes up to `limit` leads due by `second` and answers them, earliest second first and,
    /// within one, in the order they were offered. A bucket taken in part leaves the rest in
    /// `remainder`, which the next call takes first.
    mutating func takeDue(by second: Int64, limit: Int = .max) -> [LeadID] {
        settleLatest()
        var due = takeRemainder(limit)
        while due.count < limit, let first = seconds.min, first <= second {
            seconds.removeMin()
            guard let list = leads.removeValue(forKey: first) else { continue }
            remainder = (Array(list.all.reversed()), 0)
            due += takeRemainder(limit - due.count)
        }
        return due
    }

    /// Whether any lead is due by `second`.
    func hasDue(by second: Int64) -> Bool {
        remainder != nil || (seconds.min.map { $0 <= second } ?? false) || (latest.map { $0.second <= second } ?? false)
    }

    /// Up to `limit` leads from the bucket taken in part.
    private mutating func takeRemainder(_ limit: Int) -> [LeadID] {
        guard let (leads, next) = remainder else { return [] }
        let end = next + min(limit, leads.count - next)
        remainder = end < leads.count ? (leads, end) : nil
        return Array(leads[next..<end])
    }

    /// ``takeDue(by:limit:)`` without removing anything or a limit.
    func due(by second: Int64) -> [LeadID] {
        var all = leads
        if let latest { all[latest.second] = latest.list }
        let rest = remainder.map { Array($0.leads[$0.next...]) } ?? []
        return rest + all.keys.filter { $0 <= second }.sorted().flatMap { all[$0]!.all.reversed() }
    }
}
