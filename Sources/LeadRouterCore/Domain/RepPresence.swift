/// A rep's live state: what dialers report and what routing has given them.
public struct RepPresence: Hashable, Sendable, Codable {
    public var status: RepStatus
    public var activeCalls: Int
    /// Overrides ``Rep/capacity`` when a dialer or admin sets it through `SetAvailability`.
    public var capacityOverride: Int?
    /// Offered plus accepted leads not yet completed, so a rep going offline releases work without a scan.
    public var openLeads = OpenLeads()
    public var openAssignments: Int { openLeads.count }
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
