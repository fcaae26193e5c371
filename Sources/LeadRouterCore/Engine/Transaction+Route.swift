extension Transaction {
    /// Routes a new lead, or returns the existing record when the lead id was seen before.
    /// - Parameters:
    ///   - key: the lead's key, when the caller hashed it already.
    ///   - knownNew: the caller has looked the key up and found no record (``newLeads(_:)``).
    mutating func route(
        _ lead: Lead, detailed: Bool, key: AssignmentTable.Key? = nil, knownNew: Bool = false
    ) -> RouteResult {
        // Hashed once for the lookup and the offer's insert.
        let key = key ?? AssignmentTable.Key(lead.id)
        if !knownNew, let existing = state.assignments.box(key) {
            var explanation = existing.record.explanation
            explanation.outcome = .existing
            return RouteResult(existing, explanation: explanation, isNew: false)
        }
        let (rule, notMatched) = state.policy.match(lead, exhaustive: detailed)
        var explanation = Explanation(
            policyVersion: state.policy.policy.version, rule: rule.rule.name, rulesNotMatched: notMatched)
        let record = place(
            lead, rule: rule, excluded: [], escalated: false, explanation: &explanation, detailed: detailed,
            newLeadKey: key)
        return RouteResult(record!, explanation: explanation, isNew: true)
    }

    /// Whether every one of a batch's keys is new: none in the assignment map, no two alike.
    ///
    /// Looking a new lead up misses the cache at most levels of a map of a million leads (15 % of the
    /// in-memory server's CPU at 8 x 16). Here the batch's buckets are fetched side by side first
    /// (``AssignmentTable/prefetch(_:)``), then looked up; each route then skips its own lookup, and
    /// its insert finds the path cached.
    func newLeads(_ keys: [AssignmentTable.Key]) -> Bool {
        state.assignments.prefetch(keys)
        guard keys.allSatisfy({ state.assignments.box($0) == nil }) else { return false }
        state.assignments.prefetchInsertSlots(keys)
        // Two routes of one lead in a batch: the second must find the first's record.
        let hashes = keys.map(\.hash).sorted()
        return zip(hashes, hashes.dropFirst()).allSatisfy { $0 != $1 }
    }

    /// Offers the lead to the best eligible rep of the rule's chain, or queues it; answers (the box of)
    /// the lead's record as that left it (`nil` when it was neither offered nor, by request, queued).
    /// - Parameter newLeadKey: the key of a lead routed for the first time, which the caller looked up
    ///   and found no record for.
    @discardableResult
    mutating func place(
        _ lead: Lead, rule compiled: CompiledRule, excluded: [RepID], escalated: Bool, explanation: inout Explanation,
        detailed: Bool, queueIfUnplaced: Bool = true, newLeadKey: AssignmentTable.Key? = nil
    ) -> AssignmentTable.Box? {
        let rule = compiled.rule
        let priority = (lead.score ?? 0) + rule.priority
        if let hours = state.policy.policy.callingHours {
            if let hold = hours.hold(lead, at: now) {
                guard queueIfUnplaced else { return nil }
                explanation.outcome = .queued
                explanation.notes.append(hold)
                return emitQueued(
                    QueuedLead(lead: lead, rule: rule.name, priority: priority, explanation: explanation),
                    key: newLeadKey ?? AssignmentTable.Key(lead.id), isNew: newLeadKey != nil)
            }
            if let zone = hours.unknownZone(of: lead) {
                explanation.notes.append("time zone '\(zone)' is unknown: the calling hours were not applied")
            }
        }
        // The decider's copy of the state must be gone before `emit` changes it, or every change copies.
        let pick = RouteDecider(state: state, now: now, detailed: detailed)
            .decide(lead, rule: compiled, escalated: escalated, excluded: excluded, into: &explanation)
        if let pick {
            explanation.chosen = pick.rep
            explanation.outcome = .assigned
            return emitOffer(
                Offer(
                    lead: lead, rep: pick.rep, rule: rule.name, priority: priority,
                    slaDeadline: now.adding(seconds: rule.slaSeconds), poolKey: pick.poolKey.name,
                    strategy: pick.strategy, joining: pick.joining, explanation: explanation),
                repIndex: pick.index, keys: (newLeadKey ?? AssignmentTable.Key(lead.id), pick.poolKey),
                isNew: newLeadKey != nil, laidOut: pick.laidOut)
        } else {
            guard queueIfUnplaced else { return nil }
            explanation.outcome = .queued
            explanation.notes.append("no eligible rep in any pool of the chain; the lead waits in the queue")
            return emitQueued(
                QueuedLead(lead: lead, rule: rule.name, priority: priority, explanation: explanation),
                key: newLeadKey ?? AssignmentTable.Key(lead.id), isNew: newLeadKey != nil)
        }
    }

    /// Routes an existing lead again, after an expiry, a release or an explicit reassign; answers as
    /// ``place(_:rule:excluded:escalated:explanation:detailed:queueIfUnplaced:newLeadKey:)``.
    @discardableResult
    mutating func placeAgain(
        _ leadID: LeadID, detailed: Bool, alsoExcluding: RepID? = nil, queueIfUnplaced: Bool = true
    ) -> AssignmentTable.Box? {
        guard let record = state.assignments[leadID] else { return nil }
        let rule = rule(of: record)
        var explanation = Explanation(
            policyVersion: state.policy.policy.version, rule: rule.rule.name, rulesNotMatched: [])
        if record.escalated { explanation.notes.append("escalated after \(record.misses) missed SLAs") }
        if !record.expiredReps.isEmpty {
            explanation.notes.append("excluded after letting it expire: " + record.expiredReps.joined(separator: ", "))
        }
        var excluded = record.expiredReps
        if let alsoExcluding { excluded.append(alsoExcluding) }
        return place(
            record.lead, rule: rule, excluded: excluded, escalated: record.escalated, explanation: &explanation,
            detailed: detailed, queueIfUnplaced: queueIfUnplaced)
    }
}

extension Transaction {
    /// The rule a waiting or re-placed lead goes by: the one it was routed under, or (when a new policy
    /// no longer has it) the one that matches it now.
    func rule(of record: Assignment) -> CompiledRule {
        state.policy.rule(named: record.rule) ?? state.policy.match(record.lead, exhaustive: false).rule
    }

    /// Whether ``placeAgain(_:detailed:alsoExcluding:queueIfUnplaced:)`` could offer this waiting lead
    /// to `rep` now (see ``RouteDecider/couldTake(_:rule:escalated:excluded:rep:)``).
    func couldTake(_ record: borrowing Assignment, rep: RepID) -> Bool {
        guard let index = state.roster.indexOf[rep] else { return false }
        let rule = rule(of: record)
        return RouteDecider(state: state, now: now, detailed: false)
            .couldTake(record.lead, rule: rule, escalated: record.escalated, excluded: record.expiredReps, rep: index)
    }
}

/// What `route` and `reassign` answer.
public struct RouteResult: Sendable {
    /// The record as the engine stored it, shared rather than copied: a copy retained each of its
    /// fields, and most callers read two or three of them.
    private let stored: AssignmentTable.Box
    public var assignment: Assignment { _read { yield stored.record } }
    /// The record's sequence number, read in place: through ``assignment`` another module copied the
    /// whole record (a retain of each of its references) to read one integer.
    public var seq: UInt64 { stored.record.seq }

    /// Lends the record to `body` in place; for callers in other modules, which copied it out of
    /// ``assignment`` (the server encoding a reply: about three retains and releases per route).
    public func withAssignment<Result>(_ body: (borrowing Assignment) throws -> Result) rethrows -> Result {
        try body(stored.record)
    }
    public var explanation: Explanation
    /// `false` when the lead id had been routed before and the existing assignment is returned.
    public var isNew: Bool

    init(_ stored: AssignmentTable.Box, explanation: Explanation, isNew: Bool) {
        self.stored = stored
        self.explanation = explanation
        self.isNew = isNew
    }
}
