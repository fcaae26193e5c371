/// Reps, territories and account owners with the indexes routing needs, as one immutable value.
///
/// Admin changes build a new roster (O(reps)); routing only reads it, so it is shared by every state
/// snapshot that does not change it.
public final class Roster: Hashable, Sendable {
    public let reps: [RepID: Rep]
    public let territories: [TerritoryID: Territory]
    public let accountOwners: [String: RepID]
    public let domainOwners: [String: RepID]
    /// Members per team and per territory, sorted by rep id so round-robin order is stable.
    let teamMembers: [TeamID: [RepID]]
    let territoryMembers: [TerritoryID: [RepID]]
    let territoriesByCountry: [String: [Territory]]
    let territoriesAnyCountry: [Territory]
    let allReps: [RepID]

    public static let empty = Roster(reps: [:], territories: [:], accountOwners: [:], domainOwners: [:])

    init(
        reps: [RepID: Rep], territories: [TerritoryID: Territory], accountOwners: [String: RepID],
        domainOwners: [String: RepID]
    ) {
        self.reps = reps
        self.territories = territories
        self.accountOwners = accountOwners
        self.domainOwners = domainOwners
        var teams: [TeamID: [RepID]] = [:]
        var covered: [TerritoryID: [RepID]] = [:]
        for rep in reps.values {
            for team in rep.teams { teams[team, default: []].append(rep.id) }
            for territory in rep.territories { covered[territory, default: []].append(rep.id) }
        }
        teamMembers = teams.mapValues { $0.sorted() }
        territoryMembers = covered.mapValues { $0.sorted() }
        var byCountry: [String: [Territory]] = [:]
        var anyCountry: [Territory] = []
        for territory in territories.values.sorted(by: { $0.id < $1.id }) {
            if territory.countries.isEmpty { anyCountry.append(territory) }
            for country in territory.countries { byCountry[country, default: []].append(territory) }
        }
        territoriesByCountry = byCountry
        territoriesAnyCountry = anyCountry
        allReps = reps.keys.sorted()
    }

    func upserting(_ changed: [Rep]) -> Roster {
        var reps = self.reps
        for rep in changed { reps[rep.id] = rep }
        return Roster(reps: reps, territories: territories, accountOwners: accountOwners, domainOwners: domainOwners)
    }

    func removing(_ id: RepID) -> Roster {
        var reps = self.reps
        reps[id] = nil
        return Roster(
            reps: reps, territories: territories, accountOwners: accountOwners.filter { $0.value != id },
            domainOwners: domainOwners.filter { $0.value != id })
    }

    func replacingTerritories(_ list: [Territory]) -> Roster {
        Roster(
            reps: reps, territories: Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { $1 }),
            accountOwners: accountOwners, domainOwners: domainOwners)
    }

    func settingOwners(_ owners: [AccountOwner], replacing: Bool) -> Roster {
        var accounts = replacing ? [:] : accountOwners
        var domains = replacing ? [:] : domainOwners
        for owner in owners {
            if let account = owner.accountID { accounts[account] = owner.rep }
            if let domain = owner.domain { domains[domain] = owner.rep }
        }
        return Roster(reps: reps, territories: territories, accountOwners: accounts, domainOwners: domains)
    }

    /// The most specific territory containing the lead; ties go to the smaller id.
    func territory(of lead: Lead) -> Territory? {
        var best: (territory: Territory, score: Int)?
        let byCountry = lead.country.flatMap { territoriesByCountry[$0.uppercased()] } ?? []
        for territory in byCountry + territoriesAnyCountry {
            guard let score = territory.specificity(for: lead) else { continue }
            if best == nil || score > best!.score || (score == best!.score && territory.id < best!.territory.id) {
                best = (territory, score)
            }
        }
        return best?.territory
    }

    /// The rep owning the lead's account id, else its email domain.
    func owner(of lead: Lead) -> RepID? {
        if let account = lead.accountID, let rep = accountOwners[account] { return rep }
        if let domain = lead.emailDomain, let rep = domainOwners[domain] { return rep }
        return nil
    }

    func members(ofTeam team: TeamID) -> [RepID] { teamMembers[team] ?? [] }

    public static func == (lhs: Roster, rhs: Roster) -> Bool {
        lhs === rhs
            || (lhs.reps == rhs.reps && lhs.territories == rhs.territories && lhs.accountOwners == rhs.accountOwners
                && lhs.domainOwners == rhs.domainOwners)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(reps.count) }
}
