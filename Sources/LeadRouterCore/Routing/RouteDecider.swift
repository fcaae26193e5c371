import HashTreeCollections

/// Walks a rule's pool chain and picks one eligible rep, recording why every candidate lost.
///
/// Reads the parts of a state it needs (each copy of a whole state retains every one of its maps);
/// the caller turns the pick into an event.
struct RouteDecider {
    struct Pick {
        var rep: RepID
        /// The rep's dense roster index.
        var index: Int32
        var poolKey: HashedName
        var strategy: RoutingStrategy
        var joining: [RepID: Int] = [:]
        /// The pool's ledger laid out by its members, when a weighted pick had to build it.
        var laidOut: MemberLedger?
    }

    /// An eligible candidate with what the strategies score it by.
    struct Contender {
        var index: Int32
        var weight: Double
        var count: Int
        var known: Bool
    }

    let roster: Roster
    let presence: PresenceTable
    let pools: TreeDictionary<HashedName, PoolState>
    let teamUnions: TeamUnions
    let performance: Policy.PerformanceBounds
    let now: Timestamp
    /// Record every candidate, not only counts per rejection reason.
    let detailed: Bool

    init(state: borrowing EngineState, now: Timestamp, detailed: Bool) {
        roster = state.roster
        presence = state.presence
        pools = state.pools
        teamUnions = state.teamUnions
        performance = state.policy.policy.performance
        self.now = now
        self.detailed = detailed
    }

    /// Tries the rule's chain in order (an escalated lead: the escalation's target, if it has one).
    func decide(
        _ lead: Lead, rule: CompiledRule, escalated: Bool, excluded: [RepID], into explanation: inout Explanation
    ) -> Pick? {
        let eligibility = Eligibility(roster: roster, now: now, lead: lead, rule: rule, excluded: excluded)
        if escalated, let stage = rule.escalation {
            return attempt(stage, lead, eligibility, &explanation)
        }
        for stage in rule.chain {
            if let pick = attempt(stage, lead, eligibility, &explanation) { return pick }
        }
        return nil
    }

    /// Whether the rep at `index` may take the lead now in some pool of the chain ``decide`` would
    /// try. One eligibility check and a look at each stage's members, where deciding scores a whole
    /// pool: a freed rep's dispatch asks this first, since a lead that rep cannot take would only be
    /// queued again (nobody else's eligibility changed).
    func couldTake(_ lead: Lead, rule: CompiledRule, escalated: Bool, excluded: [RepID], rep index: Int32) -> Bool {
        let eligibility = Eligibility(roster: roster, now: now, lead: lead, rule: rule, excluded: excluded)
        guard eligibility.rejection(of: index, in: roster, presence) == nil else { return false }
        if escalated, let stage = rule.escalation {
            return ResolvedPool(stage, for: lead, in: roster, unions: teamUnions).members.contains(index)
        }
        return rule.chain.contains {
            ResolvedPool($0, for: lead, in: roster, unions: teamUnions).members.contains(index)
        }
    }

    /// Whether the rep at `index` could be offered some lead waiting under `rule`, whatever the
    /// lead: `false` only when none could be, since they fail a check no lead changes (status, limits,
    /// hours, a named skill) or no pool of the rule's chain or escalation ever includes them. A freed
    /// rep's dispatch asks this of each rule with leads waiting (``QueueClasses``) before it looks at
    /// any lead. A territory pool may include a member who covers some territory; an account-owner
    /// pool may include anyone.
    func couldTakeSomeLead(of rule: CompiledRule, rep index: Int32) -> Bool {
        let eligibility = Eligibility(roster: roster, now: now, anyLeadOf: rule)
        guard eligibility.rejection(of: index, in: roster, presence) == nil else { return false }
        return rule.chain.contains { mayInclude($0, index) } || rule.escalation.map { mayInclude($0, index) } == true
    }

    private func mayInclude(_ stage: CompiledRule.Stage, _ index: Int32) -> Bool {
        let pool = stage.target.pool
        if pool.accountOwner { return true }
        guard ResolvedPool.baseMembers(stage, in: roster, unions: teamUnions).contains(index) else { return false }
        return !pool.territory || roster.profile(index)?.rep.territories.isEmpty == false
    }

    private func attempt(
        _ compiled: CompiledRule.Stage, _ lead: Lead, _ eligibility: Eligibility, _ explanation: inout Explanation
    ) -> Pick? {
        let target = compiled.target
        let pool = ResolvedPool(compiled, for: lead, in: roster, unions: teamUnions)
        var stage = StageDraft()
        if let note = pool.note { explanation.notes.append(note) }
        for rep in pool.missing { record(rep, .unknownRep, score: nil, in: &stage) }
        let pick = select(target.strategy, in: pool, eligibility: eligibility, stage: &stage)
        explanation.stages.append(
            stage.stage(pool: pool.key.name, strategy: target.strategy, chosen: pick?.rep))
        return pick
    }

    private func select(
        _ strategy: RoutingStrategy, in pool: ResolvedPool, eligibility: Eligibility, stage: inout StageDraft
    ) -> Pick? {
        var joining: [RepID: Int] = [:]
        var laidOut: MemberLedger?
        let chosen: (index: Int32, score: Double?)?
        switch strategy {
        case .roundRobin:
            chosen = roundRobin(pool, eligibility, &stage).map { ($0, nil) }
        case .weighted, .performanceWeighted:
            chosen = weighted(
                pool, byPerformance: strategy == .performanceWeighted, eligibility, &stage, &joining, &laidOut)
        case .leastLoaded, .longestIdle:
            chosen = lowestScore(pool, strategy: strategy, eligibility, &stage)
        }
        guard let chosen, let rep = roster.profile(chosen.index)?.rep.id else { return nil }
        if detailed { stage.candidates.insert(.init(rep: rep, rejection: nil, score: chosen.score), at: 0) }
        return Pick(
            rep: rep, index: chosen.index, poolKey: pool.key, strategy: strategy, joining: joining, laidOut: laidOut)
    }

    private func record(
        _ index: Int32, _ rejection: Explanation.Rejection, score: Double?, in stage: inout StageDraft
    ) {
        stage.count(rejection)
        if detailed, let rep = roster.profile(index)?.rep.id {
            stage.candidates.append(.init(rep: rep, rejection: rejection, score: score))
        }
    }

    private func record(
        _ rep: RepID, _ rejection: Explanation.Rejection, score: Double?, in stage: inout StageDraft
    ) {
        stage.count(rejection)
        if detailed { stage.candidates.append(.init(rep: rep, rejection: rejection, score: score)) }
    }

    /// The first eligible member after the cursor. Without a detailed trace it stops at the first
    /// eligible rep, so a pick costs the number of skipped reps, not the pool size.
    private func roundRobin(_ pool: ResolvedPool, _ eligibility: Eligibility, _ stage: inout StageDraft)
        -> Int32?
    {
        let count = pool.members.count
        // A pool of one starts at its member whatever the cursor, and an account owner's keeps none:
        // looking it up walked the pool map to a miss.
        let start = count > 1 ? pool.start(after: pools[pool.key]?.cursor) : 0
        var picked: Int32?
        for offset in 0..<count {
            let index = pool.members[(start + offset) % count]
            if let rejection = eligibility.rejection(of: index, in: roster, presence) {
                record(index, rejection, score: nil, in: &stage)
            } else if picked == nil {
                picked = index
                if !detailed { break }
            } else {
                record(index, .notSelected, score: nil, in: &stage)
            }
        }
        return picked
    }

    /// Smooth weighted round-robin computed from the ledger: pick the eligible rep furthest below their
    /// weighted share of the next pick, `(n + 1) * w / W - received`. This keeps every rep within one
    /// lead of their target share.
    /// - Parameter laidOut: set to the pool's ledger laid out by `pool`'s members when the pool had
    ///   none for them (read from the trie this once; the offer keeps it for the next pick).
    private func weighted(
        _ pool: ResolvedPool, byPerformance: Bool, _ eligibility: Eligibility, _ stage: inout StageDraft,
        _ joining: inout [RepID: Int], _ laidOut: inout MemberLedger?
    ) -> (Int32, Double?)? {
        let state = pools[pool.key]
        let byMember: [LedgerEntry?]
        if let kept = state?.byMember, kept.isLaidOut(by: pool.members) {
            byMember = kept.entries
        } else {
            let entries = state?.entries ?? Ledger()
            byMember = pool.members.map { entries[$0] }
            laidOut = MemberLedger(members: pool.members, entries: byMember)
        }
        var eligible: [Contender] = []
        eligible.reserveCapacity(pool.members.count)
        var newcomers = false
        for (position, index) in pool.members.enumerated() {
            if let rejection = eligibility.rejection(of: index, in: roster, presence) {
                record(index, rejection, score: nil, in: &stage)
            } else {
                let entry = byMember[position]
                let weight = max(roster.traits[Int(index)].weight, 0)
                eligible.append(
                    Contender(index: index, weight: weight, count: entry?.effective ?? 0, known: entry != nil))
                if entry == nil { newcomers = true }
            }
        }
        guard !eligible.isEmpty else { return nil }
        if byPerformance { scaleByPerformance(&eligible) }
        if newcomers { calibrate(&eligible, &joining) }
        var totalWeight = 0.0
        var totalCount = 0
        for contender in eligible {
            totalWeight += contender.weight
            totalCount += contender.count
        }
        guard totalWeight > 0 else { return nil }
        let next = Double(totalCount + 1) / totalWeight
        var best = 0
        var bestScore = -Double.infinity
        for (position, contender) in eligible.enumerated() {
            let score = next * contender.weight - Double(contender.count)
            if score > bestScore + 1e-9 {
                best = position
                bestScore = score
            }
        }
        if detailed {
            for (position, contender) in eligible.enumerated() where position != best {
                let score = next * contender.weight - Double(contender.count)
                record(contender.index, .notSelected, score: score, in: &stage)
            }
        } else {
            stage.count(.notSelected, times: eligible.count - 1)
        }
        return (eligible[best].index, bestScore)
    }

    /// Calibration for reps new to this pool: they start level with the least-served known member (at
    /// zero when the pool itself is new). The offer records them so the ledger knows them. Only for a
    /// pick with newcomers: the known members' ratios cost a division each.
    private func calibrate(_ eligible: inout [Contender], _ joining: inout [RepID: Int]) {
        var lowestRatio = Double.infinity
        for contender in eligible where contender.known && contender.weight > 0 {
            lowestRatio = min(lowestRatio, Double(contender.count) / contender.weight)
        }
        if lowestRatio == .infinity { lowestRatio = 0 }
        for position in eligible.indices where !eligible[position].known {
            let credit = Int((lowestRatio * eligible[position].weight).rounded(.down))
            eligible[position].count = credit
            if let rep = roster.profile(eligible[position].index)?.rep.id { joining[rep] = credit }
        }
    }

    /// Multiplies weights by conversion relative to the eligible mean, clamped to the policy's bounds.
    private func scaleByPerformance(_ eligible: inout [Contender]) {
        var sum = 0.0
        var known = 0
        for contender in eligible {
            if let figure = roster.traits[Int(contender.index)].performance {
                sum += figure
                known += 1
            }
        }
        guard known > 0, sum > 0 else { return }
        let mean = sum / Double(known)
        let bounds = performance
        for position in eligible.indices {
            let figure = roster.traits[Int(eligible[position].index)].performance ?? mean
            eligible[position].weight *= min(max(figure / mean, bounds.floor), bounds.cap)
        }
    }

    /// Least-loaded (open + active calls over capacity) or longest-idle (oldest last activity).
    private func lowestScore(
        _ pool: ResolvedPool, strategy: RoutingStrategy, _ eligibility: Eligibility, _ stage: inout StageDraft
    ) -> (Int32, Double?)? {
        var best: (index: Int32, score: Double, idle: Timestamp)?
        var losers: [(index: Int32, score: Double)] = []
        for index in pool.members {
            if let rejection = eligibility.ruleRejection(of: index) {
                record(index, rejection, score: nil, in: &stage)
                continue
            }
            guard let live = presence[dense: index] else {
                record(index, .unknownRep, score: nil, in: &stage)
                continue
            }
            if let rejection = eligibility.rejection(of: index, live: live, in: roster) {
                record(index, rejection, score: nil, in: &stage)
                continue
            }
            let score: Double
            if strategy == .leastLoaded {
                let capacity = max(live.capacityOverride ?? roster.traits[Int(index)].capacity, 1)
                score = Double(live.openAssignments + live.activeCalls) / Double(capacity)
            } else {
                score = Double(live.lastActivity.millis)
            }
            if let current = best,
                !(score < current.score || (score == current.score && live.lastActivity < current.idle))
            {
                if detailed {
                    losers.append((index, score))
                } else {
                    stage.count(.notSelected)
                }
            } else {
                if let current = best {
                    if detailed {
                        losers.append((current.index, current.score))
                    } else {
                        stage.count(.notSelected)
                    }
                }
                best = (index, score, live.lastActivity)
            }
        }
        for loser in losers { record(loser.index, .notSelected, score: loser.score, in: &stage) }
        return best.map { ($0.index, $0.score) }
    }
}
