/// A waiting lead's place in the queue: higher priority first, then older first.
public struct QueueEntry: Hashable, Sendable, Codable {
    public var lead: LeadID
    public var priority: Double
    public var since: Timestamp
    public var seq: UInt64

    public init(lead: LeadID, priority: Double, since: Timestamp, seq: UInt64) {
        self.lead = lead
        self.priority = priority
        self.since = since
        self.seq = seq
    }

    static func comesBefore(_ lhs: QueueEntry, _ rhs: QueueEntry) -> Bool {
        if lhs.priority != rhs.priority { return lhs.priority > rhs.priority }
        if lhs.since != rhs.since { return lhs.since < rhs.since }
        return lhs.seq < rhs.seq
    }
}
