/// Structural checks a policy must pass before it can be applied.
public enum PolicyValidator {
    /// Throws `INVALID_ARGUMENT` listing every problem, for callers that apply or route against it.
    public static func requireValid(_ policy: Policy) throws(RoutingError) {
        let problems = validate(policy)
        guard problems.isEmpty else {
            throw RoutingError(
                .invalidArgument, "policy is invalid: " + problems.map(\.description).joined(separator: "; "))
        }
    }

    public static func validate(_ policy: Policy) -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        if policy.version.isEmpty { problems.append(.init(path: "version", message: "a policy needs a version")) }
        let bounds = policy.performance
        if !(bounds.floor > 0 && bounds.floor <= bounds.cap) {
            problems.append(
                .init(
                    path: "performance", message: "need 0 < floor <= cap, got floor \(bounds.floor) cap \(bounds.cap)"))
        }
        var names = Set<String>()
        for (index, rule) in policy.orderedRules.enumerated() {
            let path = index < policy.rules.count ? "rules[\(index)] (\(rule.name))" : "default"
            if rule.name.isEmpty { problems.append(.init(path: path + ".name", message: "a rule needs a name")) }
            if !names.insert(rule.name).inserted {
                problems.append(.init(path: path + ".name", message: "rule name '\(rule.name)' is used twice"))
            }
            problems += validate(rule, at: path)
        }
        return problems
    }

    static func validate(_ rule: Rule, at path: String) -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        if !(rule.slaSeconds > 0) {
            problems.append(.init(path: path + ".sla", message: "the SLA must be a positive number of seconds"))
        }
        for (index, skill) in rule.skills.enumerated() {
            let skillPath = "\(path).skills[\(index)]"
            if (skill.skill == nil) == (skill.fromField == nil) {
                problems.append(.init(path: skillPath, message: "give exactly one of 'skill' or 'from'"))
            }
            if !(1...5).contains(skill.minLevel) {
                problems.append(
                    .init(path: skillPath + ".min", message: "levels run from 1 to 5, got \(skill.minLevel)"))
            }
        }
        if let escalation = rule.escalation, escalation.afterMisses < 1 {
            problems.append(.init(path: path + ".escalation.after_misses", message: "must be 1 or more"))
        }
        problems += validate(rule.condition, at: path + ".when")
        return problems
    }

    static func validate(_ condition: Condition, at path: String) -> [PolicyProblem] {
        switch condition {
        case .isIn(_, let values) where values.isEmpty, .notIn(_, let values) where values.isEmpty:
            return [.init(path: path, message: "the value list is empty")]
        case .range(let field, let min, let max):
            var problems: [PolicyProblem] = []
            if !field.isNumeric && !field.isCustom {
                problems.append(
                    .init(
                        path: path + ".field",
                        message: "'\(field)' is not numeric; ranges need employees, deal_size, score or a custom field")
                )
            }
            if min == nil && max == nil {
                problems.append(.init(path: path + ".range", message: "give min, max or both"))
            }
            return problems
        case .all(let parts), .any(let parts):
            if parts.isEmpty { return [.init(path: path, message: "an empty all/any list is not allowed")] }
            let key = if case .all = condition { "all" } else { "any" }
            return parts.enumerated().flatMap { validate($1, at: "\(path).\(key)[\($0)]") }
        case .not(let inner):
            return validate(inner, at: path + ".not")
        default:
            return []
        }
    }
}
