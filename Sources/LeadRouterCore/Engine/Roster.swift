/// Reps, territories and account owners with the indexes routing needs, as one immutable value.
///
/// Every rep gets a dense index when first loaded (in event order, so replay assigns the same ones);
/// indexes are never reused, and pools, live state and ledgers are keyed by them. Admin changes build
/// a new roster (O(reps)); routing only reads it, so it is shared by every state that does not change it.
public final class Roster: Hashable, Sendable {
    public let reps: [RepID: RepProfile]
    public let territories: [TerritoryID: Territory]
    public let accountOwners: [String: RepID]
    public let domainOwners: [String: RepID]
    let indexOf: [RepID: Int32]
    /// By dense index; `nil` where a rep was removed.
    let profiles: [RepProfile?]
    /// Members per team and per territory, sorted by rep id so round-robin order is stable.
    let teamMembers: [HashedName: [Int32]]
    let territoryMembers: [TerritoryID: [Int32]]
    let territoriesByCountry: [String: [Territory]]
    let territoriesAnyCountry: [Territory]
    let allReps: [Int32]
    /// By dense index, parallel to `profiles`.
    let traits: [RepTraits]
    /// Per skill name, each rep's level by dense index (0 without the skill); per language, who speaks
    /// it. A rule's skill and language checks then read an array per candidate instead of hashing names
    /// in the rep's profile, which matters most when no one qualifies and the whole pool is checked.
    /// Levels are stored in a byte, clamped to 0...255 (``SkillLevel``): a hundred-rep pool then reads
    /// from a few cache lines instead of one per rep.
    let skillLevels: [String: [SkillLevel]]
    let languageSpeakers: [String: [Bool]]

    public static let empty = Roster(profiles: [], territories: [:], accountOwners: [:], domainOwners: [:])

    init(
        profiles: [RepProfile?], territories: [TerritoryID: Territory], accountOwners: [String: RepID],
        domainOwners: [String: RepID]
    ) {
        self.profiles = profiles
        self.territories = territories
        self.accountOwners = accountOwners
        self.domainOwners = domainOwners
        var reps: [RepID: RepProfile] = [:]
        var indexOf: [RepID: Int32] = [:]
        var teams: [TeamID: [Int32]] = [:]
        var covered: [TerritoryID: [Int32]] = [:]
        for (index, profile) in profiles.enumerated() {
            guard let profile else { continue }
            let dense = Int32(index)
            reps[profile.rep.id] = profile
            indexOf[profile.rep.id] = dense
            for team in profile.rep.teams { teams[team, default: []].append(dense) }
            for territory in profile.rep.territories { covered[territory, default: []].append(dense) }
        }
        let byID: ([Int32]) -> [Int32] = { members in
            members.sorted { profiles[Int($0)]!.rep.id < profiles[Int($1)]!.rep.id }
        }
        self.reps = reps
        self.indexOf = indexOf
        teamMembers = Dictionary(uniqueKeysWithValues: teams.map { (HashedName($0.key), byID($0.value)) })
        territoryMembers = covered.mapValues(byID)
        allReps = byID(Array(indexOf.values))
        traits = profiles.map { $0.map { RepTraits($0.rep) } ?? .removed }
        var skillLevels: [String: [SkillLevel]] = [:]
        var languageSpeakers: [String: [Bool]] = [:]
        for (index, profile) in profiles.enumerated() {
            guard let rep = profile?.rep else { continue }
            for (skill, level) in rep.skills {
                skillLevels[skill, default: Array(repeating: SkillLevel(0), count: profiles.count)][index] =
                    SkillLevel(level)
            }
            for language in rep.languages {
                languageSpeakers[language, default: Array(repeating: false, count: profiles.count)][index] = true
            }
        }
        self.skillLevels = skillLevels
        self.languageSpeakers = languageSpeakers
        var byCountry: [String: [Territory]] = [:]
        var anyCountry: [Territory] = []
        for territory in territories.values.sorted(by: { $0.id < $1.id }) {
            if territory.countries.isEmpty { anyCountry.append(territory) }
            for country in territory.countries { byCountry[country, default: []].append(territory) }
        }
        territoriesByCountry = byCountry
        territoriesAnyCountry = anyCountry
    }

    func upserting(_ changed: [Rep]) -> Roster {
        var profiles = self.profiles
        var assigned = indexOf
        for rep in changed {
            if let index = assigned[rep.id] {
                profiles[Int(index)] = RepProfile(rep)
            } else {
                assigned[rep.id] = Int32(profiles.count)
                profiles.append(RepProfile(rep))
            }
        }
        return Roster(
            profiles: profiles, territories: territories, accountOwners: accountOwners, domainOwners: domainOwners)
    }

    func removing(_ id: RepID) -> Roster {
        var profiles = self.profiles
        if let index = indexOf[id] { profiles[Int(index)] = nil }
        return Roster(
            profiles: profiles, territories: territories, accountOwners: accountOwners.filter { $0.value != id },
            domainOwners: domainOwners.filter { $0.value != id })
    }

    func replacingTerritories(_ list: [Territory]) -> Roster {
        Roster(
            profiles: profiles, territories: Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { $1 }),
            accountOwners: accountOwners, domainOwners: domainOwners)
    }

    func settingOwners(_ owners: [AccountOwner], replacing: Bool) -> Roster {
        var accounts = replacing ? [:] : accountOwners
        var domains = replacing ? [:] : domainOwners
        for owner in owners {
            if let account = owner.accountID { accounts[account] = owner.rep }
            if let domain = owner.domain { domains[domain] = owner.rep }
        }
        return Roster(profiles: profiles, territories: territories, accountOwners: accounts, domainOwners: domains)
    }

    /// The most specific territory containing the lead; ties go to the smaller id.
    func territory(of lead: Lead) -> Territory? {
        // Both lists read in place through buffers, the best kept by position: subscripting the arrays
        // copied each territory out (four retains and releases of its lists), and joining the lists or
        // keeping a copy of the best allocated or retained on every territory route.
        let countryCode = lead.countryCode
        let byCountry = countryCode.flatMap { territoriesByCountry[$0] } ?? []
        var best: (inCountry: Bool, position: Int, score: Int)?
        byCountry.withUnsafeBufferPointer { inCountry in
            territoriesAnyCountry.withUnsafeBufferPointer { anyCountry in
                func consider(_ list: UnsafeBufferPointer<Territory>, isInCountry: Bool) {
                    for position in list.indices {
                        guard let score = list[position].specificity(for: lead, countryCode: countryCode) else {
                            continue
                        }
                        if let current = best {
                            let currentID = (current.inCountry ? inCountry : anyCountry)[current.position].id
                            guard score > current.score || (score == current.score && list[position].id < currentID)
                            else { continue }
                        }
                        best = (isInCountry, position, score)
                    }
                }
                consider(inCountry, isInCountry: true)
                consider(anyCountry, isInCountry: false)
            }
        }
        return best.map { ($0.inCountry ? byCountry : territoriesAnyCountry)[$0.position] }
    }

    /// The rep owning the lead's account id, else its email domain.
    func owner(of lead: Lead) -> RepID? {
        if let account = lead.accountID, let rep = accountOwners[account] { return rep }
        if let domain = lead.emailDomain, let rep = domainOwners[domain] { return rep }
        return nil
    }

    func members(ofTeam team: TeamID) -> [Int32] { members(ofTeam: HashedName(team)) }
    func members(ofTeam team: HashedName) -> [Int32] { teamMembers[team] ?? [] }

    func profile(_ index: Int32) -> RepProfile? { profiles[Int(index)] }

    public static func == (lhs: Roster, rhs: Roster) -> Bool {
        lhs === rhs
            || (lhs.profiles == rhs.profiles && lhs.territories == rhs.territories
                && lhs.accountOwners == rhs.accountOwners && lhs.domainOwners == rhs.domainOwners)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(reps.count) }
}
