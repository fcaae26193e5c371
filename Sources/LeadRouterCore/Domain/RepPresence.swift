/// A rep's live state: what dialers report and what routing has given them.
///
/// Plain values only, no references: every candidate check reads one, and every offer copies a trie
/// leaf of them, so copying must be a `memcpy` (the rep's open lead ids live beside it, in
/// ``PresenceTable``).
public struct RepPresence: Hashable, Sendable, Codable {
    // Stored in this order on purpose: what every candidate check reads first (open work, capacity,
    // status) sits in the first 18 bytes, so within one cache line, and the optional's and the
    // status's bytes pack together (64 bytes instead of 72; a presence slot 80 instead of 88).
    /// Offered plus accepted leads not yet completed: what capacity and load are measured by.
    public var openAssignments = 0
    /// Overrides ``Rep/capacity`` when a dialer or admin sets it through `SetAvailability`.
    public var capacityOverride: Int?
    public var status: RepStatus
    public var activeCalls: Int
    /// Assignments received on ``assignedDay`` (the rep's local calendar day number).
    public var assignedToday: Int
    public var assignedDay: Int64
    /// The last assignment, or the end of the last call; longest-idle routes to the smallest.
    public var lastActivity: Timestamp
    /// When the rep last became available after being away or offline (for fairness calibration).
    public var availableSince: Timestamp

    public init(status: RepStatus = .offline, lastActivity: Timestamp = Timestamp(millis: 0)) {
        self.status = status
        self.activeCalls = 0
        self.capacityOverride = nil
        self.assignedToday = 0
        self.assignedDay = 0
        self.lastActivity = lastActivity
        self.availableSince = lastActivity
    }

    /// Effective capacity: what `SetAvailability` set, else the rep's configured capacity.
    public func capacity(of profile: RepProfile) -> Int { capacityOverride ?? profile.rep.capacity }

    func assignedCount(onDay day: Int64) -> Int { assignedDay == day ? assignedToday : 0 }
}
