/// Coded field by field under the public names, absent optional fields left out, as the synthesized
/// conformance did before the timestamps were packed (``PackedTimestamp`` is a storage detail).
extension Assignment: Codable {
    private enum CodingKeys: String, CodingKey {
        case lead, state, rep, rule, seq, priority, offeredAt, acceptedAt, completedAt, slaDeadline, expiredReps
        case misses, escalated, outcome, explanation
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            lead: try container.decode(Lead.self, forKey: .lead),
            state: try container.decode(AssignmentState.self, forKey: .state),
            rep: try container.decodeIfPresent(RepID.self, forKey: .rep),
            rule: try container.decode(String.self, forKey: .rule),
            seq: try container.decode(UInt64.self, forKey: .seq),
            priority: try container.decode(Double.self, forKey: .priority),
            offeredAt: try container.decodeIfPresent(Timestamp.self, forKey: .offeredAt),
            acceptedAt: try container.decodeIfPresent(Timestamp.self, forKey: .acceptedAt),
            completedAt: try container.decodeIfPresent(Timestamp.self, forKey: .completedAt),
            slaDeadline: try container.decodeIfPresent(Timestamp.self, forKey: .slaDeadline),
            expiredReps: try container.decode([RepID].self, forKey: .expiredReps),
            misses: try container.decode(Int.self, forKey: .misses),
            escalated: try container.decode(Bool.self, forKey: .escalated),
            outcome: try container.decodeIfPresent(String.self, forKey: .outcome),
            explanation: try container.decode(Explanation.self, forKey: .explanation))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lead, forKey: .lead)
        try container.encode(state, forKey: .state)
        try container.encodeIfPresent(rep, forKey: .rep)
        try container.encode(rule, forKey: .rule)
        try container.encode(seq, forKey: .seq)
        try container.encode(priority, forKey: .priority)
        try container.encodeIfPresent(offeredAt, forKey: .offeredAt)
        try container.encodeIfPresent(acceptedAt, forKey: .acceptedAt)
        try container.encodeIfPresent(completedAt, forKey: .completedAt)
        try container.encodeIfPresent(slaDeadline, forKey: .slaDeadline)
        try container.encode(expiredReps, forKey: .expiredReps)
        try container.encode(misses, forKey: .misses)
        try container.encode(escalated, forKey: .escalated)
        try container.encodeIfPresent(outcome, forKey: .outcome)
        try container.encode(explanation, forKey: .explanation)
    }
}
