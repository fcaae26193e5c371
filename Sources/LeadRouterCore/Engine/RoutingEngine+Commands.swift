extension RoutingEngine {
    /// Routes a lead: offers it to a rep or queues it. Routing the same lead id again returns the
    /// existing assignment without any change, so callers may retry freely. The result is the
    /// assignment and its explanation; a caller that only needs the lead placed may ignore it.
    @discardableResult
    public func route(_ lead: Lead, detailed: Bool? = nil) throws -> RouteResult {
        guard !lead.id.isEmpty else { throw RoutingError(.invalidArgument, "a lead needs a non-empty id") }
        let detailed = detailed ?? configuration.detailedExplanations
        return commit { $0.route(lead, detailed: detailed) }.0
    }

    /// Routes several leads in one command, in order, with the configured explanation detail: exactly
    /// what routing them one by one would do, but the sequencer's turn and the event sink are paid once
    /// for the batch instead of once per lead. The server batches the Route calls of one socket read.
    public func route(batch leads: [Lead]) -> [Result<RouteResult, RoutingError>] {
        commit { transaction in
            let keys = leads.map { AssignmentTable.Key($0.id) }
            let allNew = transaction.newLeads(keys)
            return zip(leads, keys).map { lead, key in
                guard !lead.id.isEmpty else {
                    return .failure(RoutingError(.invalidArgument, "a lead needs a non-empty id"))
                }
                return .success(
                    transaction.route(
                        lead, detailed: configuration.detailedExplanations, key: key, knownNew: allNew))
            }
        }.0
    }

    /// Takes a lead from its rep and gives it to another eligible rep (or the queue).
    @discardableResult
    public func reassign(_ lead: LeadID, reason: String = "reassigned") throws -> RouteResult {
        try commit { try $0.reassign(lead, reason: reason, detailed: configuration.detailedExplanations) }.0
    }

    /// Records what a dialer reports. Takes effect on the very next route; freeing a rep dispatches
    /// queued leads in the same call, and a rep leaving hands back offers not yet accepted.
    @discardableResult
    public func setAvailability(
        _ rep: RepID, status: RepStatus, activeCalls: Int? = nil, capacity: Int? = nil
    ) throws -> [EngineEvent] {
        try commit { try $0.setAvailability(rep, status: status, activeCalls: activeCalls, capacity: capacity) }.1
    }

    @discardableResult
    public func accept(_ lead: LeadID, by rep: RepID? = nil) throws -> Assignment {
        try commit { try $0.accept(lead, by: rep) }.0
    }

    @discardableResult
    public func complete(_ lead: LeadID, outcome: String, by rep: RepID? = nil) throws -> Assignment {
        try commit { try $0.complete(lead, outcome: outcome, by: rep) }.0
    }

    /// Expires offers past their SLA (at most `maxExpiriesPerTick`, earliest first) and reroutes them,
    /// then offers waiting leads to reps that the passing of time made eligible (working hours began,
    /// leave ended, a new day reset a daily cap, calling hours opened; only when some rep or the policy
    /// has such times, and only when a minute began or a leave ended since the last look: see
    /// ``TimeDrivenLook``). The server calls this on a timer, and again soon while offers past their SLA
    /// are left; everything else dispatches in the call that freed the rep.
    @discardableResult
    public func tick() -> [EngineEvent] { tickReportingBacklog().events }

    /// ``tick()``, and whether offers past their SLA are left for another tick. Told by the tick itself:
    /// reading ``state`` to find out would hand the state out, and the next commit would then copy
    /// the assignment table's directory (a million assignments: every tick spent most of its time so).
    public func tickReportingBacklog() -> (events: [EngineEvent], offersStillDue: Bool) {
        let (stillDue, events) = commit { transaction in
            transaction.expireDue()
            transaction.dispatchQueueIfTimeMayPlace()
            transaction.archiveCompleted()
            return transaction.hasOffersDue
        }
        return (events, stillDue)
    }

    @discardableResult
    public func upsertReps(_ reps: [Rep]) throws -> [EngineEvent] { try commit { try $0.upsertReps(reps) }.1 }

    @discardableResult
    public func removeRep(_ rep: RepID) throws -> [EngineEvent] { try commit { try $0.removeRep(rep) }.1 }

    @discardableResult
    public func setTerritories(_ territories: [Territory]) throws -> [EngineEvent] {
        try commit { try $0.setTerritories(territories) }.1
    }

    @discardableResult
    public func setAccountOwners(_ owners: [AccountOwner], replace: Bool = false) throws -> [EngineEvent] {
        try commit { try $0.setAccountOwners(owners, replace: replace) }.1
    }

    /// Validates and applies a policy; returns lint warnings (which do not block applying).
    @discardableResult
    public func applyPolicy(_ policy: Policy) throws -> [PolicyProblem] {
        try commit { try $0.applyPolicy(policy) }
        return PolicyLinter.lint(policy, roster: state.roster)
    }

    /// Routes a lead against the live policy, or a candidate one, without changing anything.
    public func dryRun(_ lead: Lead, policy: Policy? = nil) throws -> RouteResult {
        var base = state
        if let policy {
            try PolicyValidator.requireValid(policy)
            base.policy = CompiledPolicy(policy)
        }
        base.assignments[lead.id] = nil
        return Transaction.run(on: &base, now: clock.now(), configuration: configuration) { transaction in
            transaction.route(lead, detailed: true)
        }
    }
}
