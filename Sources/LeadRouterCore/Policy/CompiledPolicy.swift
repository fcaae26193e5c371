/// A validated policy with its rule index, published as one immutable value.
public final class CompiledPolicy: Hashable, Sendable {
    public let policy: Policy
    private let fields: FieldTable
    private let conditions: ConditionProgram
    /// Each rule's root node in `conditions`, by position.
    private let roots: [Int32]
    private let index: RuleIndex
    /// The policy's rules by position, and the default rule.
    private let rules: [CompiledRule]
    private let defaultRule: CompiledRule
    private let rulesByName: [String: CompiledRule]
    /// The rules' names by position, which explanations list the rules that did not match from.
    private let ruleNames: [String]
    /// Every stage whose pool is two or more teams (``TeamUnions``).
    let multiTeamStages: [CompiledRule.Stage]

    public init(_ policy: Policy) {
        self.policy = policy
        var fields = FieldTable()
        var conditions = ConditionProgram()
        self.roots = policy.rules.map { conditions.compile($0.condition, fields: &fields) }
        // After the conditions, so every literal a rule is filed under already has its number.
        self.index = RuleIndex(rules: policy.rules, fields: &fields)
        self.fields = fields
        self.conditions = conditions
        self.rules = policy.rules.map(CompiledRule.init)
        self.defaultRule = CompiledRule(policy.defaultRule)
        self.ruleNames = policy.rules.map(\.name)
        self.rulesByName = Dictionary(
            (rules + [defaultRule]).map { ($0.rule.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.multiTeamStages = (rules + [defaultRule]).flatMap { $0.chain + ($0.escalation.map { [$0] } ?? []) }
            .filter { $0.teamsKey != nil }
    }

    /// The first rule matching the lead (the default rule when none does), and the evaluated rules
    /// that did not match. `exhaustive` evaluates every earlier rule, for a complete explanation.
    func match(_ lead: Lead, exhaustive: Bool) -> (rule: CompiledRule, notMatched: RuleNames) {
        LeadFacts.with(lead, fields) { facts in
            conditions.withEvaluator(facts) { evaluator in
                if exhaustive {
                    for position in roots.indices where evaluator.matches(roots[position]) {
                        return (rules[position], RuleNames(ruleNames, prefix: position))
                    }
                    return (defaultRule, RuleNames(ruleNames))
                }
                return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: index.words) { candidates in
                    index.candidates(facts, into: candidates)
                    var tried = RuleNames.Positions()
                    for word in 0..<index.words {
                        var bits = candidates[word]
                        while bits != 0 {
                            let position = word * 64 + bits.trailingZeroBitCount
                            bits &= bits - 1
                            if evaluator.matches(roots[position]) {
                                return (rules[position], RuleNames(ruleNames, at: tried))
                            }
                            tried.append(position)
                        }
                    }
                    return (defaultRule, RuleNames(ruleNames, at: tried))
                }
            }
        }
    }

    func rule(named name: String) -> CompiledRule? {
        rulesByName[name]
    }

    public static func == (lhs: CompiledPolicy, rhs: CompiledPolicy) -> Bool {
        lhs === rhs || lhs.policy == rhs.policy
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(policy.version) }
}
