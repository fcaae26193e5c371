/// Narrows the rules a lead can match without scanning every rule: one bit per rule, one row of bits
/// per value of each field that some rule requires.
///
/// A rule *requires* a text field when it tests it with `equals` or `in`, at top level or inside
/// top-level `all`s: it cannot match a lead whose value is not one of those. For each such field,
/// the row of a value holds the rules that accept it and every rule that does not require the field;
/// the last row (an absent value, or one no rule names) holds only the latter. A lead's candidates are
/// the rows of its values ANDed together, evaluated in policy order.
///
/// Filing each rule under every field it requires, not just the first, is what keeps a lead off the
/// rules of other sources in its own country: in the RouteDecision policy a lead otherwise tried ten
/// rules to match one, or none. Rows are the ``FieldTable``'s literal numbers, which the conditions
/// reuse, so the lookup costs nothing extra. List-valued fields (intents) are not indexed.
struct RuleIndex: Sendable {
    /// One required field: its slot and its rows, `words` words each, literal by literal, then the
    /// row for any other value.
    private struct Filter: Sendable {
        let slot: Int32
        let rows: [UInt64]
    }

    /// Words in a row: one bit per rule.
    let words: Int
    private let filters: [Filter]
    /// Every rule (the candidates before any filter).
    private let everyRule: [UInt64]

    init(rules: [Rule], fields: inout FieldTable) {
        let words = max((rules.count + 63) / 64, 1)
        self.words = words
        var everyRule = [UInt64](repeating: 0, count: words)
        for position in rules.indices { everyRule[position / 64] |= 1 << UInt64(position % 64) }
        self.everyRule = everyRule
        // Per slot, per requiring rule, the literals it accepts.
        var accepted: [Int32: [Int: Set<Int32>]] = [:]
        for (position, rule) in rules.enumerated() {
            for (field, values) in Self.requirements(rule.condition) {
                let slot = fields.slot(field)
                // Two tests of one field accept their intersection; the union is a superset, so safe.
                accepted[slot, default: [:]][position, default: []].formUnion(
                    values.map { fields.literal($0, in: slot) })
            }
        }
        filters = accepted.sorted { $0.key < $1.key }.map { slot, byRule in
            let literals = fields.slots[Int(slot)].literals.count
            var rows = [UInt64](repeating: 0, count: (literals + 1) * words)
            for position in rules.indices {
                let bit: UInt64 = 1 << UInt64(position % 64)
                if let accepts = byRule[position] {
                    for literal in accepts { rows[Int(literal) * words + position / 64] |= bit }
                } else {
                    for row in 0...literals { rows[row * words + position / 64] |= bit }
                }
            }
            return Filter(slot: slot, rows: rows)
        }
    }

    /// Writes the rules the lead may match into `candidates` (`words` words; bit `n` is rule `n`);
    /// every other rule is known not to match.
    func candidates(_ facts: LeadFacts, into candidates: UnsafeMutableBufferPointer<UInt64>) {
        _ = candidates.initialize(fromContentsOf: everyRule)
        // Through the buffers: `for filter in filters` copied each filter out, retaining and
        // releasing its rows (four of each a route).
        filters.withUnsafeBufferPointer { filters in
            for filter in filters.indices {
                let literal = Int(facts[filters[filter].slot].literal)
                filters[filter].rows.withUnsafeBufferPointer { rows in
                    let literals = rows.count / words - 1
                    let row = (literal >= 0 && literal < literals ? literal : literals) * words
                    for word in 0..<words { candidates[word] &= rows[row + word] }
                }
            }
        }
    }

    /// The text fields a condition requires, each with the values it accepts.
    private static func requirements(_ condition: Condition) -> [(LeadField, [String])] {
        switch condition {
        case .equals(let field, let value) where !field.isNumeric && !field.isList: [(field, [value])]
        case .isIn(let field, let values) where !field.isNumeric && !field.isList && !values.isEmpty:
            [(field, values)]
        case .all(let parts): parts.flatMap(requirements)
        default: []
        }
    }
}
