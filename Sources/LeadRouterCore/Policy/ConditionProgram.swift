/// A policy's conditions compiled into flat arrays of plain nodes over a ``FieldTable``.
///
/// ``Condition`` is an indirect enum of strings and arrays: evaluating it retained and released its
/// payloads at every node, for every rule a lead was tested against, and compared strings. Here a
/// node is a few integers, the lead's value of each field is looked up once per match (``LeadFacts``),
/// and the walk reads the arrays through unsafe buffers, so it retains nothing. Tests whose answer needs
/// the text itself (prefix, substring, members of a list) keep ``Condition/matches(_:)`` as fallbacks.
struct ConditionProgram: Sendable {
    fileprivate struct Node: Sendable {
        enum Kind: UInt8 { case always, exists, equals, isIn, notIn, range, all, any, not, fallback }
        var kind: Kind
        var slot: Int32 = 0
        /// `equals`: the literal; `isIn`/`notIn`: the first of its literals in `literalSets`;
        /// `all`/`any`: the first child in `children`; `not`: the child; `fallback`: the condition.
        var first: Int32 = 0
        var count: Int32 = 0
        /// Range bounds; NaN for an open side.
        var low = Double.nan
        var high = Double.nan
    }

    private var nodes: [Node] = []
    private var children: [Int32] = []
    private var literalSets: [Int32] = []
    private var fallbacks: [Condition] = []

    /// Adds `condition` and answers its root node.
    mutating func compile(_ condition: Condition, fields: inout FieldTable) -> Int32 {
        let node: Node
        switch condition {
        case .always:
            node = Node(kind: .always)
        case .exists(let field):
            node = Node(kind: .exists, slot: fields.slot(field))
        case .equals(let field, let expected) where !field.isList:
            let slot = fields.slot(field)
            node = Node(kind: .equals, slot: slot, first: fields.literal(expected, in: slot))
        case .isIn(let field, let values) where !field.isList, .notIn(let field, let values) where !field.isList:
            let slot = fields.slot(field)
            let first = Int32(literalSets.count)
            literalSets.append(contentsOf: values.map { fields.literal($0, in: slot) })
            let kind: Node.Kind = if case .isIn = condition { .isIn } else { .notIn }
            node = Node(kind: kind, slot: slot, first: first, count: Int32(values.count))
        case .range(let field, let min, let max):
            let slot = fields.slot(field)
            fields.markReadsNumber(slot)
            node = Node(kind: .range, slot: slot, low: min ?? .nan, high: max ?? .nan)
        case .all(let parts), .any(let parts):
            let roots = parts.map { compile($0, fields: &fields) }
            let first = Int32(children.count)
            children.append(contentsOf: roots)
            let kind: Node.Kind = if case .all = condition { .all } else { .any }
            node = Node(kind: kind, first: first, count: Int32(roots.count))
        case .not(let inner):
            node = Node(kind: .not, first: compile(inner, fields: &fields))
        case .equals, .isIn, .notIn, .prefix, .contains:
            fallbacks.append(condition)
            node = Node(kind: .fallback, first: Int32(fallbacks.count - 1))
        }
        nodes.append(node)
        return Int32(nodes.count - 1)
    }

    /// Runs `body` with an evaluator over this program and the lead's facts.
    func withEvaluator<Result>(_ facts: LeadFacts, _ body: (Evaluator) -> Result) -> Result {
        nodes.withUnsafeBufferPointer { nodes in
            children.withUnsafeBufferPointer { children in
                literalSets.withUnsafeBufferPointer { literalSets in
                    body(
                        Evaluator(
                            nodes: nodes, children: children, literalSets: literalSets, fallbacks: fallbacks,
                            facts: facts))
                }
            }
        }
    }

    struct Evaluator {
        fileprivate let nodes: UnsafeBufferPointer<Node>
        fileprivate let children: UnsafeBufferPointer<Int32>
        fileprivate let literalSets: UnsafeBufferPointer<Int32>
        fileprivate let fallbacks: [Condition]
        fileprivate let facts: LeadFacts

        func matches(_ root: Int32) -> Bool {
            let node = nodes[Int(root)]
            switch node.kind {
            case .always:
                return true
            case .exists:
                return facts[node.slot].present
            case .equals:
                return facts[node.slot].literal == node.first
            case .isIn:
                let fact = facts[node.slot]
                return fact.present && contains(fact.literal, node)
            case .notIn:
                let fact = facts[node.slot]
                return !fact.present || !contains(fact.literal, node)
            case .range:
                let fact = facts[node.slot]
                return fact.hasNumber && (node.low.isNaN || fact.number >= node.low)
                    && (node.high.isNaN || fact.number <= node.high)
            case .all:
                for position in Int(node.first)..<Int(node.first + node.count) where !matches(children[position]) {
                    return false
                }
                return true
            case .any:
                for position in Int(node.first)..<Int(node.first + node.count) where matches(children[position]) {
                    return true
                }
                return false
            case .not:
                return !matches(node.first)
            case .fallback:
                return fallbacks[Int(node.first)].matches(facts.lead)
            }
        }

        private func contains(_ literal: Int32, _ node: Node) -> Bool {
            guard literal >= 0 else { return false }
            for position in Int(node.first)..<Int(node.first + node.count) where literalSets[position] == literal {
                return true
            }
            return false
        }
    }
}
