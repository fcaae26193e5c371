/// Finds the first matching rule without scanning every rule.
///
/// Each rule is filed under one equality test it requires (a top-level `equals` or `in`, or one inside
/// a top-level `all`) on a text field; rules with no such test go to `unindexed`. For a lead, only the
/// rules filed under the lead's own values plus the unindexed ones are evaluated, in policy order.
///
/// Values are the ``FieldTable``'s literal numbers, so a single-valued field costs the one lookup that
/// the conditions then reuse. Each value's list holds the unindexed rules already, so a lead with one
/// filed value gets its list as stored, with no merge and no allocation.
struct RuleIndex: Sendable {
    /// Rule positions by literal number (the unindexed ones merged in), for each field some rule is
    /// filed under.
    private var bySlot: [(slot: Int32, isList: Bool, positions: [[Int]])] = []
    private var unindexed: [Int] = []

    init(rules: [Rule], fields: inout FieldTable) {
        var filed: [Int32: [Int32: [Int]]] = [:]
        for (position, rule) in rules.enumerated() {
            if let (field, values) = Self.indexKey(rule.condition) {
                let slot = fields.slot(field)
                for value in values {
                    filed[slot, default: [:]][fields.literal(value, in: slot), default: []].append(position)
                }
            } else {
                unindexed.append(position)
            }
        }
        for (slot, lists) in filed.sorted(by: { $0.key < $1.key }) {
            var positions = [[Int]](repeating: [], count: fields.slots[Int(slot)].literals.count)
            // Each rule once, even one whose `in` names a value twice.
            for (literal, list) in lists { positions[Int(literal)] = Set(list + unindexed).sorted() }
            bySlot.append((slot, fields.slots[Int(slot)].field.isList, positions))
        }
    }

    /// Rule positions that may match the lead, ascending; every other rule is known not to match.
    func candidates(_ facts: LeadFacts) -> [Int] {
        // Most leads draw on one list (their own value's, or the unindexed rules): that list is
        // returned as stored, ascending already, and only a merge of several allocates.
        var positions = unindexed
        var lists = 0
        for (slot, isList, table) in bySlot {
            if isList {
                // Each member of a list is a value of its own.
                let entry = facts.table.slots[Int(slot)]
                entry.field.value(of: facts.lead)?.forEachText { text in
                    // Literals numbered after the index was built are in no rule's key.
                    guard let literal = entry.literals[text], Int(literal) < table.count else { return }
                    Self.add(table[Int(literal)], to: &positions, lists: &lists)
                }
            } else {
                let literal = Int(facts[slot].literal)
                if literal >= 0 && literal < table.count { Self.add(table[literal], to: &positions, lists: &lists) }
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

    private static func add(_ hits: [Int], to positions: inout [Int], lists: inout Int) {
        guard !hits.isEmpty else { return }
        if lists == 0 { positions = hits } else { positions.append(contentsOf: hits) }
        lists += 1
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
