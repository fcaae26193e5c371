/// Where a lead is in its life: waiting, with a rep, or done.
public enum AssignmentState: String, Hashable, Sendable, Codable {
    /// No rep was eligible after the whole fallback chain; the lead waits in the queue.
    case queued
    /// Given to a rep who has not yet accepted; the SLA clock runs.
    case offered
    /// The rep (or their dialer) took it.
    case accepted
    /// Worked to an outcome.
    case completed
}

/// One lead's assignment record, kept current as the lead moves through its lifecycle.
public struct Assignment: Hashable, Sendable, Codable {
    public var lead: Lead
    public var state: AssignmentState
    public var rep: RepID?
    public var rule: String
    /// The sequence number of the event that last changed this record.
    public var seq: UInt64
    public var priority: Double
    public var offeredAt: Timestamp?
    public var acceptedAt: Timestamp?
    public var completedAt: Timestamp?
    public var slaDeadline: Timestamp?
    /// Reps who let this lead expire; it is never offered to them again.
    public var expiredReps: [RepID]
    /// How many times the lead expired or was released without being accepted.
    public var misses: Int
    public var escalated: Bool
    public var outcome: String?
    /// Why the current rep (or the queue) was chosen.
    public var explanation: Explanation

    /// Lead creation to first offer, in milliseconds.
    public var timeToAssignMillis: Int64? { offeredAt.map { $0.millis - lead.createdAt.millis } }
    /// Lead creation to acceptance, in milliseconds: the speed-to-lead figure.
    public var timeToAcceptMillis: Int64? { acceptedAt.map { $0.millis - lead.createdAt.millis } }

    var isOpen: Bool { state == .offered || state == .accepted }
}
