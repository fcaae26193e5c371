/// Walks a rule's pool chain and picks one eligible rep, recording why every candidate lost.
///
/// Reads a state snapshot only; the caller turns the pick into an event.
struct RouteDecider {
    struct Pick {
        var rep: RepID
        var poolKey: String
        var strategy: RoutingStrategy
        var joining: [RepID: Int] = [:]
    }

    let state: EngineState
    let now: Timestamp
    /// Record every candidate, not only counts per rejection reason.
    let detailed: Bool

    func decide(
        _ lead: Lead, rule: Rule, chain: [Rule.Target], excluded: [RepID], into explanation: inout Explanation
    ) -> Pick? {
        let eligibility = Eligibility(state: state, now: now, lead: lead, rule: rule, excluded: excluded)
        for target in chain {
            let pool = ResolvedPool(target.pool, for: lead, in: state.roster)
            var stage = Explanation.Stage(
                pool: pool.key, strategy: target.strategy, candidates: [], rejectionCounts: [:], chosen: nil)
            if let note = pool.note { explanation.notes.append(note) }
            let pick = select(target.strategy, in: pool, eligibility: eligibility, stage: &stage)
            explanation.stages.append(stage)
            if let pick { return pick }
        }
        return nil
    }

    private func select(
        _ strategy: RoutingStrategy, in pool: ResolvedPool, eligibility: Eligibility,
        stage: inout Explanation.Stage
    ) -> Pick? {
        let chosen: (rep: RepID, joining: [RepID: Int])?
        switch strategy {
        case .roundRobin:
            chosen = roundRobin(pool, eligibility: eligibility, stage: &stage).map { ($0, [:]) }
        case .weighted, .performanceWeighted:
            chosen = weighted(pool, byPerformance: strategy == .performanceWeighted, eligibility, &stage)
        case .leastLoaded, .longestIdle:
            chosen = lowestScore(pool, strategy: strategy, eligibility, &stage).map { ($0, [:]) }
        }
        guard let chosen else { return nil }
        stage.chosen = chosen.rep
        return Pick(rep: chosen.rep, poolKey: pool.key, strategy: strategy, joining: chosen.joining)
    }

    private func record(_ rep: RepID, _ rejection: Explanation.Rejection?, score: Double?, in stage: inout Explanation.Stage) {
        if let rejection { stage.rejectionCounts[rejection, default: 0] += 1 }
        if detailed { stage.candidates.append(.init(rep: rep, rejection: rejection, score: score)) }
    }

    /// The first eligible member after the cursor. Without a detailed trace it stops at the first
    /// eligible rep, so a pick costs the number of skipped reps, not the pool size.
    private func roundRobin(_ pool: ResolvedPool, eligibility: Eligibility, stage: inout Explanation.Stage) -> RepID? {
        let count = pool.members.count
        let start = pool.start(after: state.cursors[pool.key])
        var picked: RepID?
        for offset in 0..<count {
            let rep = pool.members[(start + offset) % count]
            if let rejection = eligibility.rejection(of: rep) {
                record(rep, rejection, score: nil, in: &stage)
            } else if picked == nil {
                picked = rep
                if !detailed { break }
            } else {
                record(rep, .notSelected, score: nil, in: &stage)
            }
        }
        if let picked, detailed { stage.candidates.insert(.init(rep: picked, rejection: nil, score: nil), at: 0) }
        return picked
    }

    /// Smooth weighted round-robin computed from the ledger: pick the eligible rep furthest below their
    /// weighted share of the next pick, `(n + 1) * w / W - received`. This keeps every rep within one
    /// lead of their target share.
    private func weighted(
        _ pool: ResolvedPool, byPerformance: Bool, _ eligibility: Eligibility, _ stage: inout Explanation.Stage
    ) -> (RepID, [RepID: Int])? {
        let entries = state.ledger[pool.key] ?? [:]
        var eligible: [(rep: RepID, weight: Double, count: Int, known: Bool)] = []
        for rep in pool.members {
            if let rejection = eligibility.rejection(of: rep) {
                record(rep, rejection, score: nil, in: &stage)
            } else {
                let entry = entries[rep]
                eligible.append((rep, max(state.roster.reps[rep]?.weight ?? 1, 0), entry?.effective ?? 0, entry != nil))
            }
        }
        guard !eligible.isEmpty else { return nil }
        if byPerformance { scaleByPerformance(&eligible) }
        // Calibration for reps new to this pool: start level with the least-served known member
        // (at zero when the pool itself is new). The offer records them so the ledger knows them.
        let lowestRatio = eligible.filter { $0.known && $0.weight > 0 }.map { Double($0.count) / $0.weight }.min() ?? 0
        var joining: [RepID: Int] = [:]
        for index in eligible.indices where !eligible[index].known {
            let credit = Int((lowestRatio * eligible[index].weight).rounded(.down))
            eligible[index].count = credit
            joining[eligible[index].rep] = credit
        }
        let totalWeight = eligible.reduce(0) { $0 + $1.weight }
        let totalCount = eligible.reduce(0) { $0 + $1.count }
        guard totalWeight > 0 else { return nil }
        var best = 0
        var scores: [Double] = []
        scores.reserveCapacity(eligible.count)
        for (index, candidate) in eligible.enumerated() {
            let score = Double(totalCount + 1) * candidate.weight / totalWeight - Double(candidate.count)
            scores.append(score)
            if score > scores[best] + 1e-9 { best = index }
        }
        for (index, candidate) in eligible.enumerated() where index != best {
            record(candidate.rep, .notSelected, score: scores[index], in: &stage)
        }
        let chosen = eligible[best].rep
        if detailed { stage.candidates.insert(.init(rep: chosen, rejection: nil, score: scores[best]), at: 0) }
        return (chosen, joining)
    }

    /// Multiplies weights by conversion relative to the eligible mean, clamped to the policy's bounds.
    private func scaleByPerformance(_ eligible: inout [(rep: RepID, weight: Double, count: Int, known: Bool)]) {
        let figures = eligible.compactMap { state.roster.reps[$0.rep]?.performance }
        guard !figures.isEmpty else { return }
        let mean = figures.reduce(0, +) / Double(figures.count)
        guard mean > 0 else { return }
        let bounds = state.policy.policy.performance
        for index in eligible.indices {
            let figure = state.roster.reps[eligible[index].rep]?.performance ?? mean
            eligible[index].weight *= min(max(figure / mean, bounds.floor), bounds.cap)
        }
    }

    /// Least-loaded (open + active calls over capacity) or longest-idle (oldest last activity).
    private func lowestScore(
        _ pool: ResolvedPool, strategy: RoutingStrategy, _ eligibility: Eligibility, _ stage: inout Explanation.Stage
    ) -> RepID? {
        var best: (rep: RepID, score: Double, idle: Timestamp)?
        var losers: [(RepID, Double)] = []
        for rep in pool.members {
            if let rejection = eligibility.rejection(of: rep) {
                record(rep, rejection, score: nil, in: &stage)
                continue
            }
            let live = state.presence[rep]!
            let score: Double
            if strategy == .leastLoaded {
                let capacity = max(live.capacity(of: state.roster.reps[rep]!), 1)
                score = Double(live.openAssignments + live.activeCalls) / Double(capacity)
            } else {
                score = Double(live.lastActivity.millis)
            }
            if let current = best, !(score < current.score || (score == current.score && live.lastActivity < current.idle)) {
                losers.append((rep, score))
            } else {
                if let current = best { losers.append((current.rep, current.score)) }
                best = (rep, score, live.lastActivity)
            }
        }
        for (rep, score) in losers { record(rep, .notSelected, score: score, in: &stage) }
        if let best, detailed { stage.candidates.insert(.init(rep: best.rep, rejection: nil, score: best.score), at: 0) }
        return best?.rep
    }
}
