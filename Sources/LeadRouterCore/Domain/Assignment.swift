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
///
/// Kept for every lead ever routed, so its size counts: the timestamps are stored in eight bytes each
/// (``PackedTimestamp``), 136 bytes in all instead of 160. Field order is part of no format (snapshots
/// and the wire write the fields in their own order).
public struct Assignment: Hashable, Sendable {
    public var lead: Lead
    public var rep: RepID?
    public var rule: String
    /// The sequence number of the event that last changed this record.
    public var seq: UInt64
    public var priority: Double
    public var state: AssignmentState
    public var escalated: Bool
    private var offered: PackedTimestamp
    private var accepted: PackedTimestamp
    private var completed: PackedTimestamp
    private var deadline: PackedTimestamp
    /// Reps who let this lead expire; it is never offered to them again.
    public var expiredReps: [RepID]
    /// How many times the lead expired or was released without being accepted.
    public var misses: Int
    public var outcome: String?
    /// Why the current rep (or the queue) was chosen.
    public var explanation: Explanation

    public var offeredAt: Timestamp? {
        get { offered.value }
        set { offered = PackedTimestamp(newValue) }
    }
    public var acceptedAt: Timestamp? {
        get { accepted.value }
        set { accepted = PackedTimestamp(newValue) }
    }
    public var completedAt: Timestamp? {
        get { completed.value }
        set { completed = PackedTimestamp(newValue) }
    }
    public var slaDeadline: Timestamp? {
        get { deadline.value }
        set { deadline = PackedTimestamp(newValue) }
    }

    /// Lead creation to first offer, in milliseconds.
    public var timeToAssignMillis: Int64? { offeredAt.map { $0.millis - lead.createdAt.millis } }
    /// Lead creation to acceptance, in milliseconds: the speed-to-lead figure.
    public var timeToAcceptMillis: Int64? { acceptedAt.map { $0.millis - lead.createdAt.millis } }

    public init(
        lead: Lead, state: AssignmentState, rep: RepID?, rule: String, seq: UInt64, priority: Double,
        offeredAt: Timestamp?, acceptedAt: Timestamp?, completedAt: Timestamp?, slaDeadline: Timestamp?,
        expiredReps: [RepID], misses: Int, escalated: Bool, outcome: String?, explanation: Explanation
    ) {
        self.lead = lead
        self.state = state
        self.rep = rep
        self.rule = rule
        self.seq = seq
        self.priority = priority
        self.offered = PackedTimestamp(offeredAt)
        self.accepted = PackedTimestamp(acceptedAt)
        self.completed = PackedTimestamp(completedAt)
        self.deadline = PackedTimestamp(slaDeadline)
        self.expiredReps = expiredReps
        self.misses = misses
        self.escalated = escalated
        self.outcome = outcome
        self.explanation = explanation
    }

    var isOpen: Bool { state == .offered || state == .accepted }
}
