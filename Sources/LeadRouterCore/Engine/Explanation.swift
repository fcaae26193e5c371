/// Why a lead went where it went: the machine-readable trace behind every decision.
public struct Explanation: Hashable, Sendable, Codable {
    /// Why a candidate rep was passed over.
    public enum Rejection: String, Hashable, Sendable, Codable, CaseIterable {
        case unknownRep = "unknown_rep"
        case offline
        case away
        case onCall = "on_call"
        case wrapUp = "wrap_up"
        case atCapacity = "at_capacity"
        case dailyCap = "daily_cap"
        case outsideHours = "outside_hours"
        case outOfOffice = "out_of_office"
        case missingSkill = "missing_skill"
        case missingLanguage = "missing_language"
        case previouslyExpired = "previously_expired"
        /// Eligible, but the strategy preferred another rep.
        case notSelected = "not_selected"
    }

    public struct Candidate: Hashable, Sendable, Codable {
        public var rep: RepID
        /// `nil` for the chosen rep.
        public var rejection: Rejection?
        /// The strategy's score where it has one (load ratio, weighted share, idle seconds).
        public var score: Double?

        public init(rep: RepID, rejection: Rejection?, score: Double?) {
            self.rep = rep
            self.rejection = rejection
            self.score = score
        }
    }

    /// One pool tried, in chain order.
    public struct Stage: Hashable, Sendable, Codable {
        public var pool: String
        public var strategy: RoutingStrategy
        public var candidates: [Candidate]
        /// Candidates per rejection reason, kept even when the per-candidate list is off.
        public var rejectionCounts: [Rejection: Int]
        public var chosen: RepID?

        public init(
            pool: String, strategy: RoutingStrategy, candidates: [Candidate], rejectionCounts: [Rejection: Int],
            chosen: RepID?
        ) {
            self.pool = pool
            self.strategy = strategy
            self.candidates = candidates
            self.rejectionCounts = rejectionCounts
            self.chosen = chosen
        }
    }

    public enum Outcome: String, Hashable, Sendable, Codable {
        case assigned, queued, existing, escalated
    }

    public var policyVersion: String
    public var rule: String
    /// Rules evaluated before the matching one and found not to match.
    public var rulesNotMatched: [String]
    public var stages: [Stage]
    public var chosen: RepID?
    public var outcome: Outcome
    /// Free text for the unusual paths (escalation, account owner fallback).
    public var notes: [String]

    public init(policyVersion: String, rule: String, rulesNotMatched: [String]) {
        self.policyVersion = policyVersion
        self.rule = rule
        self.rulesNotMatched = rulesNotMatched
        self.stages = []
        self.chosen = nil
        self.outcome = .queued
        self.notes = []
    }
}
