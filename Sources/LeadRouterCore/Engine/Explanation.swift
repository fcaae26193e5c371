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
    ///
    /// The one-byte strategy is stored last, after the four-byte counts, rather than padded to eight
    /// bytes between the strings: every record keeps its first stage, so 8 bytes less per lead.
    public struct Stage: Hashable, Sendable, Codable {
        public var pool: String
        public var candidates: [Candidate]
        public var chosen: RepID?
        /// Candidates per rejection reason, kept even when the per-candidate list is off.
        public var rejectionCounts: RejectionCounts
        public var strategy: RoutingStrategy

        public init(
            pool: String, strategy: RoutingStrategy, candidates: [Candidate], rejectionCounts: RejectionCounts,
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

    /// The trace, stored. An explanation travels with its lead through the offer event, the record and
    /// the reply, so it keeps its fields in one ``CopyOnWrite`` box (as ``Lead`` keeps its own in one
    /// block): a copy is one retain instead of one per string and list.
    ///
    /// The one-byte outcome is stored last, so that no padding follows it: the box then takes 240 bytes
    /// of heap instead of 256, for every lead.
    private struct Fields: Hashable, Codable {
        var policyVersion: String
        var rule: String
        var rulesNotMatched: RuleNames
        var stages: StageList
        var chosen: RepID?
        var notes: [String]
        var outcome: Outcome
    }

    private var fields: CopyOnWrite<Fields>

    public var policyVersion: String {
        get { fields.value.policyVersion }
        _modify { yield &fields.value.policyVersion }
    }
    public var rule: String {
        get { fields.value.rule }
        _modify { yield &fields.value.rule }
    }
    /// Rules evaluated before the matching one and found not to match.
    public var rulesNotMatched: RuleNames {
        get { fields.value.rulesNotMatched }
        _modify { yield &fields.value.rulesNotMatched }
    }
    public var stages: StageList {
        get { fields.value.stages }
        _modify { yield &fields.value.stages }
    }
    public var chosen: RepID? {
        get { fields.value.chosen }
        _modify { yield &fields.value.chosen }
    }
    public var outcome: Outcome {
        get { fields.value.outcome }
        _modify { yield &fields.value.outcome }
    }
    /// Free text for the unusual paths (escalation, account owner fallback).
    public var notes: [String] {
        get { fields.value.notes }
        _modify { yield &fields.value.notes }
    }

    public init(policyVersion: String, rule: String, rulesNotMatched: RuleNames) {
        fields = CopyOnWrite(
            Fields(
                policyVersion: policyVersion, rule: rule, rulesNotMatched: rulesNotMatched, stages: StageList(),
                chosen: nil, notes: [], outcome: .queued))
    }

    public static func == (lhs: Explanation, rhs: Explanation) -> Bool {
        lhs.fields.isIdentical(to: rhs.fields) || lhs.fields.value == rhs.fields.value
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(fields.value) }

    /// The same keys as the fields themselves.
    public init(from decoder: any Decoder) throws { fields = CopyOnWrite(try Fields(from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try fields.value.encode(to: encoder) }
}
