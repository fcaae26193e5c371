import Foundation

/// A sales rep's configuration, as loaded by sales ops. Live state lives in ``RepPresence``.
public struct Rep: Hashable, Sendable, Codable, Identifiable {
    public var id: RepID
    public var name: String
    public var teams: [TeamID]
    /// Skill name to level (1 = basic ... 5 = expert).
    public var skills: [String: Int]
    public var territories: [TerritoryID]
    public var languages: [String]
    /// Share of leads relative to teammates: weight 2 receives twice as many as weight 1.
    public var weight: Double
    /// Measured conversion (0...1) used by the performance-weighted strategy; `nil` when unknown.
    public var performance: Double?
    /// Maximum open (offered or accepted) assignments at once.
    public var capacity: Int
    /// Maximum assignments per local calendar day; `nil` means no cap.
    public var dailyCap: Int?
    /// `nil` means the rep works around the clock.
    public var workingHours: WorkingHours?
    public var outOfOffice: [OutOfOffice]

    public init(
        id: RepID, name: String? = nil, teams: [TeamID] = [], skills: [String: Int] = [:],
        territories: [TerritoryID] = [], languages: [String] = [], weight: Double = 1, performance: Double? = nil,
        capacity: Int = 10, dailyCap: Int? = nil, workingHours: WorkingHours? = nil, outOfOffice: [OutOfOffice] = []
    ) {
        self.id = id
        self.name = name ?? id
        self.teams = teams
        self.skills = skills
        self.territories = territories
        self.languages = languages
        self.weight = weight
        self.performance = performance
        self.capacity = capacity
        self.dailyCap = dailyCap
        self.workingHours = workingHours
        self.outOfOffice = outOfOffice
    }

    func isOutOfOffice(at time: Timestamp) -> Bool {
        outOfOffice.contains { $0.start <= time && time < $0.end }
    }
}

/// A leave window `[start, end)`.
public struct OutOfOffice: Hashable, Sendable, Codable {
    public var start: Timestamp
    public var end: Timestamp
    public init(start: Timestamp, end: Timestamp) {
        self.start = start
        self.end = end
    }
}
