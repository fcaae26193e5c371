/// Which reps a rule (or a fallback step) considers.
///
/// Parts combine by intersection: `teams: [emea]` with `territory: true` means EMEA reps who cover
/// the lead's territory. `accountOwner: true` narrows to the rep owning the lead's account or domain.
public struct Pool: Hashable, Sendable, Codable, CustomStringConvertible {
    public var teams: [TeamID]
    public var reps: [RepID]
    public var territory: Bool
    public var accountOwner: Bool

    public init(teams: [TeamID] = [], reps: [RepID] = [], territory: Bool = false, accountOwner: Bool = false) {
        self.teams = teams
        self.reps = reps
        self.territory = territory
        self.accountOwner = accountOwner
    }

    public static func team(_ team: TeamID) -> Pool { Pool(teams: [team]) }

    public var description: String {
        var parts: [String] = []
        if !teams.isEmpty { parts.append("teams=" + teams.joined(separator: ",")) }
        if !reps.isEmpty { parts.append("reps=" + reps.joined(separator: ",")) }
        if territory { parts.append("territory") }
        if accountOwner { parts.append("account_owner") }
        return parts.isEmpty ? "everyone" : parts.joined(separator: " ")
    }
}
