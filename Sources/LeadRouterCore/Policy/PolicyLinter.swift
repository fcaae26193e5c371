/// Warnings about over-routing: policies that load, but whose rules cannot work as written.
public enum PolicyLinter {
    public static func lint(_ policy: Policy, roster: Roster) -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        let rules = policy.orderedRules
        for (index, rule) in rules.enumerated() {
            let path = index < policy.rules.count ? "rules[\(index)] (\(rule.name))" : "default"
            if let reason = neverMatches(rule.condition) {
                problems.append(.init(.warning, path: path + ".when", message: "can never match: \(reason)"))
            }
            if index < policy.rules.count,
                let earlier = policy.rules[..<index].first(where: { shadows($0.condition, rule.condition) })
            {
                problems.append(
                    .init(.warning, path: path, message: "is shadowed by earlier rule '\(earlier.name)' and never runs")
                )
            }
            for (stage, target) in rule.chain.enumerated() {
                let targetPath = stage == 0 ? path + ".pool" : "\(path).fallback[\(stage - 1)].pool"
                if let reason = emptyPool(target.pool, roster: roster) {
                    problems.append(.init(.warning, path: targetPath, message: "can never have a rep: \(reason)"))
                }
            }
        }
        return problems
    }

    /// Why a pool can never contain a rep, or `nil`.
    static func emptyPool(_ pool: Pool, roster: Roster) -> String? {
        if pool.accountOwner {
            return roster.accountOwners.isEmpty && roster.domainOwners.isEmpty ? "no account owners are loaded" : nil
        }
        let missingTeams = pool.teams.filter { roster.members(ofTeam: $0).isEmpty }
        if !pool.teams.isEmpty && missingTeams.count == pool.teams.count {
            return "no rep is in team " + missingTeams.joined(separator: ", ")
        }
        let unknown = pool.reps.filter { roster.reps[$0] == nil }
        if !pool.reps.isEmpty && unknown.count == pool.reps.count { return "none of the listed reps exists" }
        if pool.territory && roster.territoryMembers.isEmpty { return "no rep covers any territory" }
        if roster.reps.isEmpty { return "no reps are loaded" }
        return nil
    }

    /// Whether a rule with condition `earlier` catches every lead that `later` would.
    static func shadows(_ earlier: Condition, _ later: Condition) -> Bool {
        if earlier == .always || earlier == later { return true }
        let laterParts: [Condition] = if case .all(let parts) = later { parts } else { [later] }
        let earlierParts: [Condition] = if case .all(let parts) = earlier { parts } else { [earlier] }
        // Every conjunct of the earlier rule must be implied by some conjunct of the later one.
        return earlierParts.allSatisfy { need in laterParts.contains { implies($0, need) } }
    }

    private static func implies(_ have: Condition, _ need: Condition) -> Bool {
        if have == need { return true }
        switch (have, need) {
        case (.equals(let field, let value), .isIn(let needField, let values)):
            return field == needField && values.contains(value)
        case (.isIn(let field, let have), .isIn(let needField, let values)):
            return field == needField && Set(have).isSubset(of: values)
        case (.equals(let field, _), .exists(let needField)), (.isIn(let field, _), .exists(let needField)):
            return field == needField
        default: return false
        }
    }

    /// Why a condition can never hold, or `nil`.
    static func neverMatches(_ condition: Condition) -> String? {
        switch condition {
        case .range(_, let min?, let max?) where min > max:
            return "range minimum \(min) is above maximum \(max)"
        case .not(.always):
            return "'not' of a condition that always holds"
        case .any(let parts) where parts.allSatisfy({ neverMatches($0) != nil }):
            return "no alternative can match"
        case .all(let parts):
            if let inner = parts.lazy.compactMap(neverMatches).first { return inner }
            var required: [LeadField: Set<String>] = [:]
            for part in parts {
                let allowed: Set<String>
                switch part {
                case .equals(let field, let value):
                    allowed = [value]
                    required[field] = required[field].map { $0.intersection(allowed) } ?? allowed
                case .isIn(let field, let values) where field != .intent:
                    allowed = Set(values)
                    required[field] = required[field].map { $0.intersection(allowed) } ?? allowed
                default: continue
                }
            }
            for part in parts {
                if case .notIn(let field, let values) = part, let set = required[field] {
                    required[field] = set.subtracting(values)
                }
            }
            if let empty = required.first(where: { $0.key != .intent && $0.value.isEmpty }) {
                return "'\(empty.key)' is required to take values that exclude each other"
            }
            return nil
        default:
            return nil
        }
    }
}
