extension Transaction {
    /// Takes the lead back from its rep (if any) and routes it to someone else.
    mutating func reassign(_ leadID: LeadID, reason: String, detailed: Bool) throws -> RouteResult {
        let record = try assignment(leadID)
        var previous: RepID?
        switch record.state {
        case .completed:
            throw RoutingError(
                .failedPrecondition, "lead '\(leadID)' is completed; a completed lead cannot be reassigned")
        case .queued:
            break
        case .offered, .accepted:
            previous = record.rep
            emit(.released(lead: leadID, rep: record.rep!, reason: reason))
        }
        placeAgain(leadID, detailed: detailed, alsoExcluding: previous)
        if let previous { dispatchQueue(freed: previous) }
        let now = state.assignments.box(leadID)!
        return RouteResult(now, explanation: now.record.explanation, isNew: false)
    }

    mutating func accept(_ leadID: LeadID, by rep: RepID?) throws -> Assignment {
        let record = try assignment(leadID)
        if let rep, record.rep != rep {
            throw RoutingError(
                .failedPrecondition, "lead '\(leadID)' is assigned to \(record.rep ?? "nobody"), not to '\(rep)'")
        }
        switch record.state {
        case .accepted:
            return record
        case .offered:
            emit(.accepted(lead: leadID, rep: record.rep!))
            return state.assignments[leadID]!
        case .queued, .completed:
            throw RoutingError(
                .failedPrecondition,
                "lead '\(leadID)' is \(record.state.rawValue); only an offered lead can be accepted")
        }
    }

    mutating func complete(_ leadID: LeadID, outcome: String, by rep: RepID?) throws -> Assignment {
        let record = try assignment(leadID)
        if let rep, record.rep != rep {
            throw RoutingError(
                .failedPrecondition, "lead '\(leadID)' is assigned to \(record.rep ?? "nobody"), not to '\(rep)'")
        }
        guard record.isOpen, let holder = record.rep else {
            if record.state == .completed && record.outcome == outcome { return record }
            throw RoutingError(
                .failedPrecondition,
                "lead '\(leadID)' is \(record.state.rawValue); only an open assignment can be completed")
        }
        emit(.completed(lead: leadID, rep: holder, outcome: outcome))
        dispatchQueue(freed: holder)
        return state.assignments[leadID]!
    }

    mutating func setAvailability(_ rep: RepID, status: RepStatus, activeCalls: Int?, capacity: Int?) throws {
        _ = try self.rep(rep)
        if let activeCalls, activeCalls < 0 {
            throw RoutingError(.invalidArgument, "active calls must be zero or more, got \(activeCalls)")
        }
        if let capacity, capacity < 0 {
            throw RoutingError(.invalidArgument, "capacity must be zero or more, got \(capacity)")
        }
        let live = state.presence[rep]!
        emit(
            .availabilityChanged(
                AvailabilityChange(
                    rep: rep, status: status, activeCalls: activeCalls ?? live.activeCalls, capacity: capacity)))
        if status == .offline || status == .away {
            releaseOffered(of: rep, reason: "rep is \(status.rawValue)")
        }
        dispatchQueue(freed: rep)
    }

    /// Offered (not yet accepted) leads go back to routing when their rep leaves; accepted work stays.
    mutating func releaseOffered(of rep: RepID, reason: String) {
        for lead in state.openLeads(of: rep).sorted() where state.assignments[lead]?.state == .offered {
            emit(.released(lead: lead, rep: rep, reason: reason))
            placeAgain(lead, detailed: configuration.detailedExplanations, alsoExcluding: rep)
        }
    }

    /// Expires every offer whose SLA ran out, escalates repeat misses, and routes each lead again.
    mutating func expireDue() {
        let leads = takeOffersDue(limit: max(1, configuration.maxExpiriesPerTick))
        guard !leads.isEmpty else { return }
        var seen = Set<LeadID>()
        for lead in leads where seen.insert(lead).inserted {
            guard let record = state.assignments[lead], record.state == .offered, let rep = record.rep,
                let deadline = record.slaDeadline, deadline <= now
            else { continue }
            emit(.expired(lead: lead, rep: rep))
            if let rule = state.policy.rule(named: record.rule)?.rule, let escalation = rule.escalation,
                !record.escalated, record.misses + 1 >= escalation.afterMisses
            {
                emit(.escalated(lead: lead, rule: rule.name))
            }
            placeAgain(lead, detailed: configuration.detailedExplanations)
            dispatchQueue(freed: rep)
        }
    }

    /// The tick's look at the queue: dispatches it when time alone may have made a waiting lead
    /// placeable since the last look (``timeCanPlaceWaitingLeads``, ``TimeDrivenLook``).
    mutating func dispatchQueueIfTimeMayPlace() {
        guard timeCanPlaceWaitingLeads, timeDrivenLookIsDue else { return }
        recordTimeDrivenLook(placedSome: dispatchQueue())
    }

    /// Gives waiting leads, best first (at most `maxQueueScan` of them), to whoever is free now.
    /// Called after every change that can free a rep, in the same transaction, so a freed rep never
    /// sits idle while leads wait; with `freed`, it stops as soon as that rep is busy again. Returns
    /// whether it offered any lead.
    @discardableResult
    mutating func dispatchQueue(freed rep: RepID? = nil) -> Bool {
        guard !state.queue.isEmpty else { return false }
        // For a freed rep, which rules with leads waiting could offer them one (``QueueClasses``);
        // when none could, no lead is looked at.
        var possibleRules: [String: Bool] = [:]
        if let rep {
            guard isFree(rep) else { return false }
            possibleRules = rulesThatMayOffer(to: rep)
            guard possibleRules.values.contains(true) else { return false }
        }
        // A lead left unplaced emits nothing (`queueIfUnplaced: false`), so new events are offers.
        let eventsBefore = events.count
        // Taken from the heap best first; whatever is still waiting afterwards goes back.
        var taken: [QueueEntry] = []
        defer { for entry in taken { putBackQueued(entry) } }
        while taken.count < configuration.maxQueueScan, let entry = takeBestQueued() {
            taken.append(entry)
            if let rep, !isFree(rep) { return true }
            guard let record = state.assignments[entry.lead], record.state == .queued else { continue }
            // Only the freed rep's eligibility changed: a lead they cannot take stays where it is,
            // without scoring its pools (a long queue nobody free can serve made every completion
            // and expiry score 256 leads' pools in vain). Time-driven changes are the tick's.
            if let rep, possibleRules[record.rule] == false || !couldTake(record, rep: rep) { continue }
            placeAgain(entry.lead, detailed: configuration.detailedExplanations, queueIfUnplaced: false)
        }
        return events.count > eventsBefore
    }

    /// Whether the passing of time alone can make a waiting lead placeable: a rep has working hours,
    /// leave or a daily cap, or the policy has calling hours. Otherwise every change that could place
    /// a waiting lead dispatches in its own call, and a tick's look at the queue (the best 256 leads'
    /// pools scored, four times a second) would find nothing to do.
    var timeCanPlaceWaitingLeads: Bool {
        guard !state.queue.isEmpty else { return false }
        return state.policy.policy.callingHours != nil
            || state.roster.traits.contains { $0.hasWorkingHours || $0.hasLeave || $0.hasDailyCap }
    }

    /// Moves the oldest completed assignments beyond `completedInMemory` out of memory, 1,000 per tick.
    mutating func archiveCompleted() {
        guard let keep = configuration.completedInMemory else { return }
        let log = state.completionLog
        let excess = log.count - state.archivedThrough - keep
        guard excess > 0 else { return }
        let batch = (state.archivedThrough..<(state.archivedThrough + min(excess, 1000))).map { log[$0] }
        let records = batch.compactMap { state.assignments[$0] }.filter { $0.state == .completed }
        emit(.archived(records, logEntries: batch.count))
    }

    /// For each rule with leads waiting, whether it could offer one of them to `rep`
    /// (``RouteDecider/couldTakeSomeLead(of:rep:)``); a rule the policy no longer has, whose leads go by
    /// the rule they match now, counts as possible.
    private func rulesThatMayOffer(to rep: RepID) -> [String: Bool] {
        guard let index = state.roster.indexOf[rep] else { return [:] }
        let decider = RouteDecider(state: state, now: now, detailed: false)
        var possible: [String: Bool] = [:]
        for name in state.queueClasses.waitingByRule.keys {
            possible[name] =
                state.policy.rule(named: name).map { decider.couldTakeSomeLead(of: $0, rep: index) } ?? true
        }
        return possible
    }

    private func isFree(_ rep: RepID) -> Bool {
        guard let profile = state.roster.reps[rep], let live = state.presence[rep] else { return false }
        return live.status == .available && live.openAssignments < live.capacity(of: profile)
    }
}
