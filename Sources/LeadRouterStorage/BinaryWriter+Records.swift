import Foundation
import LeadRouterCore

/// Binary forms of the high-volume records (leads, assignments, explanations). Rare, complex values
/// (reps, policies) are stored as JSON inside the binary record.
extension BinaryWriter {
    mutating func timestamp(_ value: Timestamp) { int(value.millis) }

    mutating func json(_ value: some Encodable) throws { data(try JSONEncoder().encode(value)) }

    mutating func lead(_ lead: Lead) {
        string(lead.id)
        timestamp(lead.createdAt)
        // One call per field rather than a loop over an array literal: no allocation per lead.
        optional(lead.source) { $0.string($1) }
        optional(lead.country) { $0.string($1) }
        optional(lead.region) { $0.string($1) }
        optional(lead.state) { $0.string($1) }
        optional(lead.postalCode) { $0.string($1) }
        optional(lead.industry) { $0.string($1) }
        optional(lead.product) { $0.string($1) }
        optional(lead.language) { $0.string($1) }
        optional(lead.accountID) { $0.string($1) }
        optional(lead.email) { $0.string($1) }
        optional(lead.employees) { $0.int($1) }
        optional(lead.dealSize) { $0.double($1) }
        optional(lead.score) { $0.double($1) }
        array(lead.intents) { $0.string($1) }
        array(lead.custom.sorted { $0.key < $1.key }) { writer, entry in
            writer.string(entry.key)
            writer.string(entry.value)
        }
    }

    mutating func explanation(_ explanation: Explanation) {
        name(explanation.policyVersion)
        name(explanation.rule)
        array(explanation.rulesNotMatched) { $0.name($1) }
        array(explanation.stages) { writer, stage in
            writer.name(stage.pool)
            writer.name(stage.strategy.rawValue)
            writer.array(stage.candidates) { writer, candidate in
                writer.name(candidate.rep)
                writer.optional(candidate.rejection) { $0.name($1.rawValue) }
                writer.optional(candidate.score) { $0.double($1) }
            }
            writer.varint(UInt64(stage.rejectionCounts.count))
            for (reason, count) in stage.rejectionCounts {
                writer.name(reason.rawValue)
                writer.int(count)
            }
            writer.optional(stage.chosen) { $0.name($1) }
        }
        optional(explanation.chosen) { $0.name($1) }
        name(explanation.outcome.rawValue)
        array(explanation.notes) { $0.name($1) }
    }

    mutating func assignment(_ record: Assignment) {
        lead(record.lead)
        name(record.state.rawValue)
        optional(record.rep) { $0.name($1) }
        name(record.rule)
        varint(record.seq)
        double(record.priority)
        optional(record.offeredAt) { $0.timestamp($1) }
        optional(record.acceptedAt) { $0.timestamp($1) }
        optional(record.completedAt) { $0.timestamp($1) }
        optional(record.slaDeadline) { $0.timestamp($1) }
        array(record.expiredReps) { $0.name($1) }
        int(record.misses)
        bool(record.escalated)
        optional(record.outcome) { $0.name($1) }
        explanation(record.explanation)
    }
}

extension BinaryReader {
    mutating func timestamp() throws -> Timestamp { Timestamp(millis: try int()) }

    mutating func json<Value: Decodable>(_: Value.Type) throws -> Value {
        try JSONDecoder().decode(Value.self, from: try data())
    }

    mutating func lead() throws -> Lead {
        // Straight into locals, in the writer's order: snapshots decode a million of these.
        let id = try string()
        let createdAt = try timestamp()
        let source = try optional { try $0.string() }
        let country = try optional { try $0.string() }
        let region = try optional { try $0.string() }
        let state = try optional { try $0.string() }
        let postalCode = try optional { try $0.string() }
        let industry = try optional { try $0.string() }
        let product = try optional { try $0.string() }
        let language = try optional { try $0.string() }
        let accountID = try optional { try $0.string() }
        let email = try optional { try $0.string() }
        let employees: Int? = try optional { try $0.int() }
        let dealSize = try optional { try $0.double() }
        let score = try optional { try $0.double() }
        let intents = try array { try $0.string() }
        let customCount = try count()
        var custom: [String: String] = [:]
        for _ in 0..<customCount { custom[try string()] = try string() }
        return Lead(
            id: id, createdAt: createdAt, source: source, country: country, region: region, state: state,
            postalCode: postalCode, industry: industry, employees: employees, dealSize: dealSize, product: product,
            score: score, language: language, accountID: accountID, email: email, intents: intents, custom: custom)
    }

    mutating func explanation() throws -> Explanation {
        var explanation = Explanation(
            policyVersion: try name(), rule: try name(), rulesNotMatched: RuleNames(try array { try $0.name() }))
        explanation.stages = Explanation.StageList(
            try array { reader in
                let pool = try reader.name()
                let strategy = try reader.enumeration(RoutingStrategy.self)
                let candidates = try reader.array { reader in
                    Explanation.Candidate(
                        rep: try reader.name(),
                        rejection: try reader.optional { try $0.enumeration(Explanation.Rejection.self) },
                        score: try reader.optional { try $0.double() })
                }
                var counts = Explanation.RejectionCounts()
                for _ in 0..<(try reader.count()) {
                    counts[try reader.enumeration(Explanation.Rejection.self)] = try reader.int()
                }
                return Explanation.Stage(
                    pool: pool, strategy: strategy, candidates: candidates,
                    rejectionCounts: counts,
                    chosen: try reader.optional { try $0.name() })
            })
        explanation.chosen = try optional { try $0.name() }
        explanation.outcome = try enumeration(Explanation.Outcome.self)
        explanation.notes = try array { try $0.name() }
        return explanation
    }

    mutating func assignment() throws -> Assignment {
        let lead = try lead()
        let state = try enumeration(AssignmentState.self)
        let rep = try optional { try $0.name() }
        let rule = try name()
        let seq = try varint()
        let priority = try double()
        let offeredAt = try optional { try $0.timestamp() }
        let acceptedAt = try optional { try $0.timestamp() }
        let completedAt = try optional { try $0.timestamp() }
        let slaDeadline = try optional { try $0.timestamp() }
        return Assignment(
            lead: lead, state: state, rep: rep, rule: rule, seq: seq, priority: priority, offeredAt: offeredAt,
            acceptedAt: acceptedAt, completedAt: completedAt, slaDeadline: slaDeadline,
            expiredReps: try array { try $0.name() },
            misses: try int(), escalated: try bool(), outcome: try optional { try $0.name() },
            explanation: try explanation())
    }

    mutating func enumeration<Value: RawRepresentable>(_: Value.Type) throws -> Value where Value.RawValue == String {
        let raw = try name()
        guard let value = Value(rawValue: raw) else { throw Damaged(position: 0) }
        return value
    }
}
