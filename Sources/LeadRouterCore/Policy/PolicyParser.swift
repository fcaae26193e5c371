import Yams

/// Reads the YAML policy format described in `docs/POLICY.md`.
///
/// Collects every problem with its line and path instead of stopping at the first, so one run of
/// `leadctl policy validate` shows everything to fix.
public struct PolicyParser {
    private var problems: [PolicyProblem] = []

    public init() {}

    /// Parses and validates a policy; throws ``PolicyLoadError`` listing every problem.
    public static func parse(_ text: String) throws -> Policy {
        var parser = PolicyParser()
        let policy = parser.parseDocument(text)
        if let policy, parser.problems.isEmpty {
            let structural = PolicyValidator.validate(policy)
            if structural.isEmpty { return policy }
            throw PolicyLoadError(problems: structural)
        }
        throw PolicyLoadError(problems: parser.problems)
    }

    private mutating func parseDocument(_ text: String) -> Policy? {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                fail("policy", nil, "the file is empty")
                return nil
            }
            root = node
        } catch {
            fail("policy", nil, "not valid YAML: \(error)")
            return nil
        }
        guard
            let mapping = mapping(
                root, "policy", allowed: ["version", "rules", "default", "performance", "calling_hours"])
        else {
            return nil
        }
        let version = string(mapping["version"], "version") ?? ""
        var rules: [Rule] = []
        if let list = mapping["rules"] {
            if let items = sequence(list, "rules") {
                for (index, item) in items.enumerated() {
                    if let rule = parseRule(item, path: "rules[\(index)]", isDefault: false) { rules.append(rule) }
                }
            }
        }
        var defaultRule: Rule?
        if let node = mapping["default"] {
            defaultRule = parseRule(node, path: "default", isDefault: true)
        } else {
            fail("default", root.mark?.line, "a policy needs a default rule so that no lead is ever dropped")
        }
        var performance = Policy.PerformanceBounds()
        if let node = mapping["performance"], let bounds = self.mapping(node, "performance", allowed: ["floor", "cap"])
        {
            performance.floor = number(bounds["floor"], "performance.floor") ?? performance.floor
            performance.cap = number(bounds["cap"], "performance.cap") ?? performance.cap
        }
        let callingHours = mapping["calling_hours"].flatMap { parseCallingHours($0) }
        guard let defaultRule else { return nil }
        return Policy(
            version: version, rules: rules, defaultRule: defaultRule, performance: performance,
            callingHours: callingHours)
    }

    /// `calling_hours: {start: "08:00", end: "21:00", time_zone_field: time_zone}`.
    private mutating func parseCallingHours(_ node: Node) -> CallingHours? {
        guard let map = mapping(node, "calling_hours", allowed: ["start", "end", "time_zone_field"]) else { return nil }
        var bounds: [Int] = []
        for key in ["start", "end"] {
            let path = "calling_hours.\(key)"
            guard let text = string(map[key], path) else {
                if map[key] == nil { fail(path, node.mark?.line, "calling hours need a start and an end, as HH:MM") }
                return nil
            }
            guard let minute = CallingHours.minute(of: text) else {
                fail(path, map[key]?.mark?.line, "'\(text)' is not a time of day as HH:MM (e.g. 08:00, 21:30)")
                return nil
            }
            bounds.append(minute)
        }
        guard bounds[0] != bounds[1] else {
            fail("calling_hours", node.mark?.line, "start and end are the same: leads could never be offered")
            return nil
        }
        let field = map["time_zone_field"].flatMap { string($0, "calling_hours.time_zone_field") } ?? "time_zone"
        return CallingHours(startMinute: bounds[0], endMinute: bounds[1], timeZoneField: field)
    }

    private static let ruleKeys: Set<String> = [
        "name", "when", "pool", "strategy", "fallback", "skills", "match_language", "sla", "escalation", "priority",
    ]

    private mutating func parseRule(_ node: Node, path: String, isDefault: Bool) -> Rule? {
        guard let map = mapping(node, path, allowed: Self.ruleKeys) else { return nil }
        let name = isDefault ? (string(map["name"], path + ".name") ?? "default") : string(map["name"], path + ".name")
        guard let name else {
            fail(path + ".name", node.mark?.line, "every rule needs a name")
            return nil
        }
        let rulePath = isDefault ? path : "\(path) (\(name))"
        if isDefault && map["when"] != nil {
            fail(rulePath + ".when", map["when"]?.mark?.line, "the default rule takes every lead; remove 'when'")
        }
        let condition = map["when"].map { parseCondition($0, path: rulePath + ".when") } ?? .always
        let target = parseTarget(map, path: rulePath)
        var fallbacks: [Rule.Target] = []
        if let node = map["fallback"], let items = sequence(node, rulePath + ".fallback") {
            for (index, item) in items.enumerated() {
                let fallbackPath = "\(rulePath).fallback[\(index)]"
                if let step = mapping(item, fallbackPath, allowed: ["pool", "strategy"]) {
                    fallbacks.append(parseTarget(step, path: fallbackPath))
                }
            }
        }
        var skills: [Rule.SkillRequirement] = []
        if let node = map["skills"], let items = sequence(node, rulePath + ".skills") {
            for (index, item) in items.enumerated() {
                let skillPath = "\(rulePath).skills[\(index)]"
                guard let skill = mapping(item, skillPath, allowed: ["skill", "from", "min"]) else { continue }
                let from = string(skill["from"], skillPath + ".from").flatMap {
                    field($0, skillPath + ".from", skill["from"])
                }
                skills.append(
                    Rule.SkillRequirement(
                        skill: string(skill["skill"], skillPath + ".skill"), fromField: from,
                        minLevel: integer(skill["min"], skillPath + ".min") ?? 1))
            }
        }
        var escalation: Rule.Escalation?
        if let node = map["escalation"],
            let escalationMap = mapping(node, rulePath + ".escalation", allowed: ["after_misses", "pool", "strategy"])
        {
            let misses = integer(escalationMap["after_misses"], rulePath + ".escalation.after_misses") ?? 1
            let target = escalationMap["pool"] == nil ? nil : parseTarget(escalationMap, path: rulePath + ".escalation")
            escalation = Rule.Escalation(afterMisses: misses, target: target)
        }
        return Rule(
            name: name, condition: condition, target: target, fallbacks: fallbacks, skills: skills,
            matchLanguage: bool(map["match_language"], rulePath + ".match_language") ?? false,
            slaSeconds: number(map["sla"], rulePath + ".sla") ?? 300, escalation: escalation,
            priority: number(map["priority"], rulePath + ".priority") ?? 0)
    }

    private mutating func parseTarget(_ map: Node.Mapping, path: String) -> Rule.Target {
        var strategy = RoutingStrategy.roundRobin
        if let name = string(map["strategy"], path + ".strategy") {
            if let known = RoutingStrategy(rawValue: name) {
                strategy = known
            } else {
                fail(
                    path + ".strategy", map["strategy"]?.mark?.line,
                    "unknown strategy '\(name)' (one of: \(RoutingStrategy.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
        }
        var pool = Pool()
        if let node = map["pool"] {
            if let poolMap = mapping(
                node, path + ".pool", allowed: ["teams", "team", "reps", "territory", "account_owner"])
            {
                pool.teams = strings(poolMap["teams"], path + ".pool.teams") ?? []
                if let team = string(poolMap["team"], path + ".pool.team") { pool.teams.append(team) }
                pool.reps = strings(poolMap["reps"], path + ".pool.reps") ?? []
                pool.territory = bool(poolMap["territory"], path + ".pool.territory") ?? false
                pool.accountOwner = bool(poolMap["account_owner"], path + ".pool.account_owner") ?? false
            }
        } else {
            fail(path + ".pool", map.mark?.line, "every rule and fallback needs a pool (use {} for everyone)")
        }
        return Rule.Target(pool: pool, strategy: strategy)
    }

    private static let operators = ["equals", "in", "not_in", "range", "prefix", "exists", "contains"]

    private mutating func parseCondition(_ node: Node, path: String) -> Condition {
        if node.string == "always" { return .always }
        guard let map = mapping(node, path, allowed: Set(["field", "all", "any", "not"] + Self.operators)) else {
            return .always
        }
        if let all = map["all"] { return .all(conditions(all, path: path + ".all")) }
        if let any = map["any"] { return .any(conditions(any, path: path + ".any")) }
        if let inner = map["not"] { return .not(parseCondition(inner, path: path + ".not")) }
        guard let fieldName = string(map["field"], path + ".field") else {
            fail(path, node.mark?.line, "a condition needs 'field' plus one operator, or all/any/not")
            return .always
        }
        guard let field = field(fieldName, path + ".field", map["field"]) else { return .always }
        let present = Self.operators.filter { map[$0] != nil }
        guard present.count == 1, let op = present.first, let operand = map[op] else {
            fail(
                path, node.mark?.line,
                "give exactly one operator (\(Self.operators.joined(separator: ", "))), found \(present.count)")
            return .always
        }
        let normalise: (String) -> String = field == .country ? { $0.uppercased() } : { $0 }
        switch op {
        case "equals": return .equals(field, normalise(string(operand, path + ".equals") ?? ""))
        case "in": return .isIn(field, (strings(operand, path + ".in") ?? []).map(normalise))
        case "not_in": return .notIn(field, (strings(operand, path + ".not_in") ?? []).map(normalise))
        case "prefix": return .prefix(field, normalise(string(operand, path + ".prefix") ?? ""))
        case "contains": return .contains(field, string(operand, path + ".contains") ?? "")
        case "exists":
            let wanted = bool(operand, path + ".exists") ?? true
            return wanted ? .exists(field) : .not(.exists(field))
        default:
            guard let bounds = mapping(operand, path + ".range", allowed: ["min", "max"]) else { return .always }
            return .range(
                field, min: number(bounds["min"], path + ".range.min"), max: number(bounds["max"], path + ".range.max"))
        }
    }

    private mutating func conditions(_ node: Node, path: String) -> [Condition] {
        guard let items = sequence(node, path) else { return [] }
        return items.enumerated().map { parseCondition($1, path: "\(path)[\($0)]") }
    }

    // MARK: typed accessors that record a problem on mismatch

    private mutating func fail(_ path: String, _ line: Int?, _ message: String) {
        problems.append(PolicyProblem(path: path, line: line, message: message))
    }

    private mutating func field(_ name: String, _ path: String, _ node: Node?) -> LeadField? {
        if let field = LeadField(name: name) { return field }
        fail(path, node?.mark?.line, "unknown field '\(name)' (one of: \(LeadField.allNames.joined(separator: ", ")))")
        return nil
    }

    private mutating func mapping(_ node: Node, _ path: String, allowed: Set<String>) -> Node.Mapping? {
        guard let map = node.mapping else {
            fail(path, node.mark?.line, "expected a mapping of keys to values")
            return nil
        }
        for key in map.keys {
            guard let name = key.string, allowed.contains(name) else {
                fail(
                    path, key.mark?.line,
                    "unknown key '\(key.string ?? "?")' (allowed: \(allowed.sorted().joined(separator: ", ")))")
                continue
            }
        }
        return map
    }

    private mutating func sequence(_ node: Node, _ path: String) -> [Node]? {
        guard let items = node.sequence else {
            fail(path, node.mark?.line, "expected a list")
            return nil
        }
        return Array(items)
    }

    private mutating func string(_ node: Node?, _ path: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node else {
            fail(path, node.mark?.line, "expected a single value")
            return nil
        }
        return scalar.string
    }

    private mutating func strings(_ node: Node?, _ path: String) -> [String]? {
        guard let node else { return nil }
        if case .scalar(let scalar) = node { return [scalar.string] }
        return sequence(node, path)?.enumerated().compactMap { string($1, "\(path)[\($0)]") }
    }

    private mutating func number(_ node: Node?, _ path: String) -> Double? {
        guard let text = string(node, path) else { return nil }
        guard let value = Double(text), value.isFinite else {
            fail(path, node?.mark?.line, "expected a number, got '\(text)'")
            return nil
        }
        return value
    }

    private mutating func integer(_ node: Node?, _ path: String) -> Int? {
        guard let text = string(node, path) else { return nil }
        guard let value = Int(text) else {
            fail(path, node?.mark?.line, "expected a whole number, got '\(text)'")
            return nil
        }
        return value
    }

    private mutating func bool(_ node: Node?, _ path: String) -> Bool? {
        guard let text = string(node, path) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            fail(path, node?.mark?.line, "expected true or false, got '\(text)'")
            return nil
        }
    }
}
