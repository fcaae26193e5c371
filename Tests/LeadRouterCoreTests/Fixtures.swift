import LeadRouterCore

/// Builders shared by the engine tests.
enum Fixtures {
    static let start = Timestamp(millis: 1_767_225_600_000)  // 2026-01-01T00:00:00Z, a Thursday

    static func engine(
        clock: ManualClock = ManualClock(start), detailed: Bool = true, policy: Policy? = nil, reps: [Rep],
        available: Bool = true, maxExpiriesPerTick: Int = EngineConfiguration.defaults.maxExpiriesPerTick
    ) throws -> RoutingEngine {
        let engine = RoutingEngine(
            configuration: EngineConfiguration(detailedExplanations: detailed, maxExpiriesPerTick: maxExpiriesPerTick),
            clock: clock)
        try engine.upsertReps(reps)
        if let policy { try engine.applyPolicy(policy) }
        if available {
            for rep in reps { try engine.setAvailability(rep.id, status: .available) }
        }
        return engine
    }

    static func team(_ team: String, _ ids: [String], capacity: Int = 1000, weight: Double = 1) -> [Rep] {
        ids.map { Rep(id: $0, teams: [team], weight: weight, capacity: capacity) }
    }

    static func policy(
        _ rules: [Rule] = [], default target: Rule.Target = .init(pool: Pool(), strategy: .roundRobin),
        sla: Double = 300
    ) -> Policy {
        Policy(version: "test", rules: rules, defaultRule: Rule(name: "default", target: target, slaSeconds: sla))
    }

    static func lead(_ id: String, _ configure: (inout Lead) -> Void = { _ in }) -> Lead {
        var lead = Lead(id: id, createdAt: start)
        configure(&lead)
        return lead
    }

    /// Routes `count` fresh leads and returns how many each rep received.
    static func routeMany(
        _ engine: RoutingEngine, count: Int, prefix: String = "lead", _ configure: (inout Lead) -> Void = { _ in }
    ) throws -> [RepID: Int] {
        var shares: [RepID: Int] = [:]
        for index in 0..<count {
            let result = try engine.route(lead("\(prefix)-\(index)", configure))
            if let rep = result.assignment.rep { shares[rep, default: 0] += 1 }
        }
        return shares
    }
}
