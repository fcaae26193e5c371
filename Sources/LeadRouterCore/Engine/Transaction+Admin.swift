extension Transaction {
    mutating func upsertReps(_ reps: [Rep]) throws {
        for rep in reps {
            if rep.id.isEmpty { throw RoutingError(.invalidArgument, "a rep needs a non-empty id") }
            if rep.capacity < 0 {
                throw RoutingError(.invalidArgument, "rep '\(rep.id)': capacity must be zero or more")
            }
            if !(rep.weight >= 0) {
                throw RoutingError(.invalidArgument, "rep '\(rep.id)': weight must be zero or more")
            }
            if let cap = rep.dailyCap, cap < 0 {
                throw RoutingError(.invalidArgument, "rep '\(rep.id)': daily cap must be zero or more")
            }
            if let performance = rep.performance, !(0...1).contains(performance) {
                throw RoutingError(.invalidArgument, "rep '\(rep.id)': performance is a conversion rate in 0...1")
            }
        }
        guard !reps.isEmpty else { return }
        emit(.repsUpserted(reps))
        for rep in reps { dispatchQueue(freed: rep.id) }
    }

    mutating func removeRep(_ id: RepID) throws {
        _ = try rep(id)
        for lead in state.openLeads(of: id).sorted() {
            emit(.released(lead: lead, rep: id, reason: "rep removed"))
            placeAgain(lead, detailed: configuration.detailedExplanations, alsoExcluding: id)
        }
        emit(.repRemoved(id))
    }

    mutating func setTerritories(_ territories: [Territory]) throws {
        var seen = Set<TerritoryID>()
        for territory in territories {
            if territory.id.isEmpty { throw RoutingError(.invalidArgument, "a territory needs a non-empty id") }
            if !seen.insert(territory.id).inserted {
                throw RoutingError(.invalidArgument, "territory '\(territory.id)' is listed twice")
            }
        }
        emit(.territoriesSet(territories))
        // Territory pools changed: a waiting lead may have someone now.
        dispatchQueue()
    }

    mutating func setAccountOwners(_ owners: [AccountOwner], replace: Bool) throws {
        for (index, owner) in owners.enumerated() {
            if owner.accountID == nil && owner.domain == nil {
                throw RoutingError(
                    .invalidArgument, "account owner #\(index + 1) names neither an account id nor a domain")
            }
            if state.roster.reps[owner.rep] == nil {
                throw RoutingError(
                    .notFound, "account owner #\(index + 1) names rep '\(owner.rep)', which does not exist")
            }
        }
        emit(.accountOwnersSet(owners, replace: replace))
        dispatchQueue()
    }

    mutating func applyPolicy(_ policy: Policy) throws {
        try PolicyValidator.requireValid(policy)
        emit(.policyApplied(policy))
        dispatchQueue()
    }
}
