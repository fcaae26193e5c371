/// A pool turned into concrete members (dense rep indexes) for one lead.
struct ResolvedPool {
    /// Ledger and cursor key: pools with the same members share fairness.
    var key: HashedName
    var members: [Int32]
    /// Reps the pool names that are not loaded.
    var missing: [RepID] = []
    var note: String?

    /// How an account owner's pool key starts (the rep's id follows). Such a pool keeps no routing
    /// memory (``EngineState``'s pools): with one member there is no turn to keep and no share to
    /// balance.
    static let accountOwnerPrefix = "owner="
    /// The key of the account-owner stage of a lead whose account has no owner (no member, no offer).
    static let noOwnerKey = HashedName(accountOwnerPrefix + "none")

    /// Checked on every offer: the first byte rules out every other kind of key (`teams=`, `reps=`,
    /// `territory=`, `everyone`) before `hasPrefix`, which costs about a hundred instructions.
    static func isAccountOwner(_ poolKey: String) -> Bool {
        poolKey.utf8.first == UInt8(ascii: "o") && poolKey.hasPrefix(accountOwnerPrefix)
    }

    /// The part of a pool's key that no lead changes: its teams and reps (or nothing). Worked out once
    /// per rule stage (``CompiledRule/Stage``); a territory or account-owner pool adds to it per lead.
    static func fixedKey(of pool: Pool) -> String {
        var key = pool.teams.isEmpty ? "" : "teams=" + pool.teams.joined(separator: ",")
        if !pool.reps.isEmpty { key += "reps=" + pool.reps.joined(separator: ",") }
        return key
    }

    /// The whole key of a pool no lead changes (not by territory or account owner), from its
    /// ``fixedKey(of:)``; `nil` for the others, whose key is completed per lead.
    static func wholeKey(of pool: Pool, fixedKey: String) -> HashedName? {
        pool.territory || pool.accountOwner ? nil : HashedName(fixedKey.isEmpty ? "everyone" : fixedKey)
    }

    init(
        _ stage: borrowing CompiledRule.Stage, for lead: borrowing Lead, in roster: borrowing Roster,
        unions: borrowing TeamUnions
    ) {
        let pool = stage.target.pool
        note = nil
        if pool.accountOwner {
            if let owner = roster.owner(of: lead), let index = roster.indexOf[owner],
                let profile = roster.profile(index)
            {
                key = profile.ownerPoolKey
                members = [index]
                note = profile.ownerPoolNote
            } else {
                key = Self.noOwnerKey
                members = []
                note = "lead has no account owner"
            }
            return
        }
        var base = Self.baseMembers(stage, in: roster, unions: unions)
        if !pool.reps.isEmpty { missing = pool.reps.filter { roster.indexOf[$0] == nil } }
        if let fixed = stage.key {
            // Teams or reps only: the key was hashed when the policy was compiled.
            key = fixed
            members = base
            return
        }
        // By territory (the only other pool a stage leaves open).
        var key = stage.fixedKey
        if let territory = roster.territory(of: lead) {
            let covering = roster.territoryMembers[territory.id] ?? []
            if pool.teams.isEmpty && pool.reps.isEmpty {
                base = covering
            } else {
                let allowed = Set(covering)
                base = base.filter(allowed.contains)
            }
            key += key.isEmpty ? "territory=\(territory.id)" : " territory=\(territory.id)"
            note = "lead is in territory \(territory.id)"
        } else {
            base = []
            key += key.isEmpty ? "territory=none" : " territory=none"
            note = "lead matches no territory"
        }
        self.key = HashedName(key)
        self.members = base
    }

    /// The members a stage's pool has whatever the lead: its reps, else its teams' members, else
    /// everyone (a territory pool narrows them by the lead's territory; an account-owner pool is not
    /// asked).
    static func baseMembers(
        _ stage: borrowing CompiledRule.Stage, in roster: borrowing Roster, unions: borrowing TeamUnions
    ) -> [Int32] {
        let pool = stage.target.pool
        if !pool.reps.isEmpty { return pool.reps.compactMap { roster.indexOf[$0] } }
        if stage.teams.count == 1 { return roster.members(ofTeam: stage.teams[0]) }
        if !stage.teams.isEmpty { return unions.members(of: stage, in: roster) }
        return roster.allReps
    }

    /// Position of the member after `last` in cyclic order.
    func start(after last: Int32?) -> Int {
        guard let last, !members.isEmpty, let position = members.position(of: last) else { return 0 }
        return (position + 1) % members.count
    }
}
