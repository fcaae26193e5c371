/// The members of each pool of two or more teams the policy names, without repeats, in the order
/// routing walks them (team by team, each in roster order): worked out when the policy or the roster
/// changes instead of on every route. A route to a pool of nine teams of a hundred spent 70 % of its
/// time deduplicating them through a `Set`.
///
/// Derived from the policy and the roster, and not part of a state's identity. A pool it does not
/// hold (a candidate policy's, in a dry run) is worked out on the spot.
struct TeamUnions: Sendable {
    private var unions: [HashedName: [Int32]] = [:]

    init() {}

    init(policy: CompiledPolicy, roster: Roster) {
        for stage in policy.multiTeamStages {
            guard let key = stage.teamsKey, unions[key] == nil else { continue }
            unions[key] = Self.union(of: stage.teams, in: roster)
        }
    }

    /// A multi-team stage's members.
    func members(of stage: borrowing CompiledRule.Stage, in roster: borrowing Roster) -> [Int32] {
        if let key = stage.teamsKey, let members = unions[key] { return members }
        return Self.union(of: stage.teams, in: roster)
    }

    private static func union(of teams: [HashedName], in roster: borrowing Roster) -> [Int32] {
        var seen = Set<Int32>()
        return teams.flatMap(roster.members(ofTeam:)).filter { seen.insert($0).inserted }
    }
}
