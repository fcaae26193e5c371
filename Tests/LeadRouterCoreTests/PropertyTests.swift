import LeadRouterCore
import Testing

@Suite("Properties")
struct PropertyTests {
    @Test(arguments: [RoutingStrategy.roundRobin, .weighted])
    func equalWeightsKeepEveryRepWithinOneOfTheMean(_ strategy: RoutingStrategy) throws {
        var random = SeededGenerator(seed: 7)
        for trial in 0..<20 {
            let size = Int.random(in: 2...12, using: &random)
            let routes = Int.random(in: 1...400, using: &random)
            let ids = (0..<size).map { "rep\($0)" }
            let engine = try Fixtures.engine(
                policy: Fixtures.policy(default: .init(pool: .team("t"), strategy: strategy)),
                reps: Fixtures.team("t", ids))
            let shares = try Fixtures.routeMany(engine, count: routes, prefix: "t\(trial)")
            let mean = Double(routes) / Double(size)
            for id in ids {
                #expect(abs(Double(shares[id, default: 0]) - mean) <= 1, "trial \(trial) \(id)")
            }
        }
    }

    @Test func weightsOneTwoThreeStayWithinOneOfTargetAtEveryStep() throws {
        let reps = [1.0, 2.0, 3.0].enumerated().map {
            Rep(id: "w\($0.offset + 1)", teams: ["t"], weight: $0.element, capacity: 10_000)
        }
        let engine = try Fixtures.engine(
            policy: Fixtures.policy(default: .init(pool: .team("t"), strategy: .weighted)), reps: reps)
        var shares: [RepID: Int] = [:]
        for step in 1...600 {
            let rep = try #require(try engine.route(Fixtures.lead("l\(step)")).assignment.rep)
            shares[rep, default: 0] += 1
            for (index, weight) in [1.0, 2.0, 3.0].enumerated() {
                let target = Double(step) * weight / 6
                #expect(abs(Double(shares["w\(index + 1)", default: 0]) - target) < 1, "step \(step)")
            }
        }
    }

    @Test(arguments: [RoutingStrategy.roundRobin, .weighted, .leastLoaded, .longestIdle, .performanceWeighted])
    func randomTrafficNeverOverCapacityNorToAnIneligibleRep(_ strategy: RoutingStrategy) throws {
        var random = SeededGenerator(seed: 42)
        let clock = ManualClock(Fixtures.start)
        let reps = (0..<8).map {
            Rep(
                id: "r\($0)", teams: ["t"], weight: Double($0 % 3 + 1), performance: Double($0) / 10,
                capacity: $0 % 4 + 1,
                dailyCap: $0 == 3 ? 5 : nil)
        }
        let rule = Rule(
            name: "r", condition: .always, target: .init(pool: .team("t"), strategy: strategy), slaSeconds: 30)
        let engine = try Fixtures.engine(clock: clock, policy: Fixtures.policy([rule]), reps: reps)
        var leads: [LeadID] = []
        for step in 0..<1500 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4:
                let id = "lead\(step)"
                leads.append(id)
                try engine.route(Fixtures.lead(id) { $0.score = Double(step % 7) })
            case 4:
                let status = RepStatus.allCases.randomElement(using: &random)!
                try engine.setAvailability("r\(Int.random(in: 0..<8, using: &random))", status: status)
            case 5:
                try engine.setAvailability("r\(Int.random(in: 0..<8, using: &random))", status: .available)
            case 6:
                if let lead = leads.randomElement(using: &random) { _ = try? engine.accept(lead) }
            case 7:
                if let lead = leads.randomElement(using: &random) { _ = try? engine.complete(lead, outcome: "done") }
            case 8:
                if let lead = leads.randomElement(using: &random) { _ = try? engine.reassign(lead) }
            default:
                clock.advance(seconds: Double.random(in: 0...20, using: &random))
                engine.tick()
            }
            if step % 100 == 0 { InvariantChecks.checkState(engine.state) }
        }
        InvariantChecks.checkState(engine.state)
        let events = try #require(engine.events(after: 0, limit: 1_000_000))
        try InvariantChecks.checkOffers(events)
        #expect(try EngineState(replaying: events) == engine.state)
    }
}
