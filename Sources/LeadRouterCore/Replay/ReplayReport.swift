/// What a candidate policy would have changed over a window of recorded traffic.
public struct ReplayReport: Equatable, Sendable {
    /// A lead whose first rep differs between the live policy's run and the candidate's.
    public struct Change: Hashable, Sendable {
        public var lead: LeadID
        /// `nil`: not offered to anyone.
        public var live: RepID?
        public var candidate: RepID?
    }

    /// The window: the first and last recorded event replayed, and their times.
    public var firstSeq: UInt64
    public var lastSeq: UInt64
    public var from: Timestamp
    public var to: Timestamp
    public var candidateVersion: String
    /// The recording as it happened.
    public var recorded: ReplayOutcome
    /// The recorded inputs run again under the policies the recording had, with the same model of
    /// reps' answers as the candidate's run: the fair baseline (differences from `recorded` are the
    /// model's, not the policy's).
    public var live: ReplayOutcome
    public var candidate: ReplayOutcome
    /// Arrivals first offered to a different rep (or to none) under the candidate than under the
    /// live policy, and the first few of them, in lead order.
    public var changedLeads: Int
    public var changes: [Change]
}
