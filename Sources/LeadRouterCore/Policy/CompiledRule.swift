/// A rule as routing reads it: shared by reference, where a `Rule` copied out of the policy retained
/// each of its strings and arrays on every route, with each stage's fixed part of its ledger key
/// worked out once instead of joined again per decision.
final class CompiledRule: Sendable {
    /// One stage of the chain: the target and what no lead changes about its pool, hashed once.
    /// Shared by reference: a decision walks the chain, and copying a stage retained each of its
    /// strings and lists.
    final class Stage: Sendable {
        let target: Rule.Target
        /// ``ResolvedPool/fixedKey(of:)`` of the target's pool.
        let fixedKey: String
        /// The whole ledger key when no lead changes it (a pool of teams or reps, not by territory
        /// or account owner).
        let key: HashedName?
        /// The pool's teams, as the roster files its members.
        let teams: [HashedName]
        /// For a pool of two or more teams (and no reps named), its key in ``TeamUnions``.
        let teamsKey: HashedName?

        init(_ target: Rule.Target) {
            self.target = target
            fixedKey = ResolvedPool.fixedKey(of: target.pool)
            key = ResolvedPool.wholeKey(of: target.pool, fixedKey: fixedKey)
            teams = target.pool.teams.map { HashedName($0) }
            teamsKey = teams.count > 1 && target.pool.reps.isEmpty ? HashedName(fixedKey) : nil
        }
    }

    let rule: Rule
    /// The target, then the fallbacks: the order a lead tries them.
    let chain: [Stage]
    /// Where an escalated lead goes, if the rule names a place.
    let escalation: Stage?
    /// Whether the rule asks anything of a rep beyond their status and limits (a skill, the lead's
    /// language): most rules do not, and their decisions then read nothing more of the rule.
    let hasRequirements: Bool

    init(_ rule: Rule) {
        self.rule = rule
        chain = rule.chain.map(Stage.init)
        escalation = rule.escalation?.target.map(Stage.init)
        hasRequirements = !rule.skills.isEmpty || rule.matchLanguage
    }
}
