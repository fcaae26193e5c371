/// A pool turned into concrete members for one lead.
struct ResolvedPool {
    /// Ledger and cursor key: pools with the same members share fairness.
    var key: String
    var members: [RepID]
    /// Whether `members` is sorted by id (enables binary search for the round-robin cursor).
    var sorted: Bool
    var note: String?

    init(_ pool: Pool, for lead: Lead, in roster: Roster) {
        note = nil
        if pool.accountOwner {
            if let owner = roster.owner(of: lead) {
                key = "owner=\(owner)"
                members = [owner]
                note = "account owner is \(owner)"
            } else {
                key = "owner=none"
                members = []
                note = "lead has no account owner"
            }
            sorted = true
            return
        }
        var base: [RepID]
        var key = pool.teams.isEmpty ? "" : "teams=" + pool.teams.joined(separator: ",")
        if !pool.reps.isEmpty {
            base = pool.reps
            key += "reps=" + pool.reps.joined(separator: ",")
            sorted = false
        } else if pool.teams.count == 1 {
            base = roster.members(ofTeam: pool.teams[0])
            sorted = true
        } else if !pool.teams.isEmpty {
            base = Array(Set(pool.teams.flatMap(roster.members(ofTeam:)))).sorted()
            sorted = true
        } else {
            base = roster.allReps
            sorted = true
        }
        if pool.territory {
            if let territory = roster.territory(of: lead) {
                let covering = roster.territoryMembers[territory.id] ?? []
                if pool.teams.isEmpty && pool.reps.isEmpty {
                    base = covering
                } else {
                    let allowed = Set(covering)
                    base = base.filter(allowed.contains)
                }
                key += " territory=\(territory.id)"
                note = "lead is in territory \(territory.id)"
            } else {
                base = []
                key += " territory=none"
                note = "lead matches no territory"
            }
        }
        self.key = key.isEmpty ? "everyone" : key
        self.members = base
    }

    /// Index of the member after `last` in cyclic order.
    func start(after last: RepID?) -> Int {
        guard let last, !members.isEmpty else { return 0 }
        if sorted {
            var low = 0
            var high = members.count
            while low < high {
                let mid = (low + high) / 2
                if members[mid] <= last { low = mid + 1 } else { high = mid }
            }
            return low % members.count
        }
        return members.firstIndex(of: last).map { ($0 + 1) % members.count } ?? 0
    }
}
