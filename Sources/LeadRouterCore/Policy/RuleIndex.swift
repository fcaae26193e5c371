/// Finds the first matching rule without scanning every rule.
///
/// Each rule is filed under one equality test it requires (a top-level `equals` or `in`, or one inside
/// a top-level `all`) on a text field; rules with no such test go to `unindexed`. For a lead, only the
/// rules filed under the lead's own values plus the unindexed ones are evaluated, in policy order.
struct RuleIndex: Sendable {
    private var byField: [LeadField: [String: [Int]]] = [:]
    private var unindexed: [Int] = []

    init(rules: [Rule]) {
        for (position, rule) in rules.enumerated() {
            if let (field, values) = Self.indexKey(rule.condition) {
                for value in values { byField[field, default: [:]][value, default: []].append(position) }
            } else {
                unindexed.append(position)
            }
        }
    }

    /// Rule positions that may match the lead, ascending; every other rule is known not to match.
    func candidates(for lead: Lead) -> [Int] {
        var positions = unindexed
        for (field, table) in byField {
            guard let value = field.value(of: lead) else { continue }
            value.forEachText { text in
                if let hits = table[text] { positions.append(contentsOf: hits) }
            }
        }
        if positions.count > unindexed.count { positions.sort() }
        return positions
    }

    private static func indexKey(_ condition: Condition) -> (LeadField, [String])? {
        switch condition {
        case .equals(let field, let value) where !field.isNumeric: return (field, [value])
        case .isIn(let field, let values) where !field.isNumeric && !values.isEmpty: return (field, values)
        case .all(let parts): return parts.lazy.compactMap(indexKey).first
        default: return nil
        }
    }
}
