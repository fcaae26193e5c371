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
        // Most leads draw on one list (their own value's, or the unindexed rules): that list is
        // returned as stored, ascending already, and only a merge of several allocates.
        var positions = unindexed
        var lists = unindexed.isEmpty ? 0 : 1
        for (field, table) in byField {
            guard let value = field.value(of: lead) else { continue }
            value.forEachText { text in
                guard let hits = table[text] else { return }
                if lists == 0 { positions = hits } else { positions.append(contentsOf: hits) }
                lists += 1
            }
        }
        guard lists > 1 else { return positions }
        // Sorted, each once (a list-valued field such as intents can reach one rule through two
        // values), in place.
        positions.sort()
        var kept = 1
        for position in positions.dropFirst() where position != positions[kept - 1] {
            positions[kept] = position
            kept += 1
        }
        positions.removeLast(positions.count - kept)
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
