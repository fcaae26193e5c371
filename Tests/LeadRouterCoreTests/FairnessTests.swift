import LeadRouterCore
import Testing

@Suite("Fairness ledger and calibration")
struct FairnessTests {
    let policy = Fixtures.policy(default: .init(pool: .team("t"), strategy: .weighted))

    @Test func aRepBackFromLeaveIsNeitherFloodedNorStarved() throws {
        let engine = try Fixtures.engine(policy: policy, reps: Fixtures.team("t", ["a", "b", "c"]))
        _ = try Fixtures.routeMany(engine, count: 30, prefix: "before")
        try engine.setAvailability("c", status: .away)
        _ = try Fixtures.routeMany(engine, count: 60, prefix: "away")
        #expect(engine.state.ledger(pool: "teams=t")["c"]?.received == 10)
        try engine.setAvailability("c", status: .available)
        // c's ten unaccepted offers went back to a and b when c left: they stand at 45 each, and c is
        // calibrated up to the least-served active rep instead of being owed 35 leads.
        #expect(engine.state.ledger(pool: "teams=t")["a"]?.received == 45)
        #expect(engine.state.ledger(pool: "teams=t")["c"]?.effective == 45)
        let next = try Fixtures.routeMany(engine, count: 30, prefix: "after")
        #expect(next == ["a": 10, "b": 10, "c": 10])
    }

    @Test func aNewRepStartsLevelWithTheTeam() throws {
        let engine = try Fixtures.engine(policy: policy, reps: Fixtures.team("t", ["a", "b"]))
        _ = try Fixtures.routeMany(engine, count: 100, prefix: "before")
        try engine.upsertReps(Fixtures.team("t", ["new"]))
        try engine.setAvailability("new", status: .available)
        let next = try Fixtures.routeMany(engine, count: 30, prefix: "after")
        #expect(next == ["a": 10, "b": 10, "new": 10])
        let standing = try #require(engine.state.ledger(pool: "teams=t")["new"])
        #expect(standing.received == 10)
        #expect(standing.credit == 50)
    }

    /// A weighted pick reads the ledger laid out by member (``MemberLedger``), kept in step by every
    /// change or dropped; a state replayed from the events has no such copy and reads the ledger's trie.
    /// Both must pick the same rep whatever happened in between.
    @Test(arguments: [RoutingStrategy.weighted, .performanceWeighted])
    func picksFromTheLedgerLaidOutByMemberMatchPicksFromTheLedgerItself(_ strategy: RoutingStrategy) throws {
        var random = SeededGenerator(seed: 11)
        let clock = ManualClock(Fixtures.start)
        let reps = (0..<12).map {
            Rep(id: "r\($0 + 10)", teams: ["t"], weight: Double($0 % 3 + 1), performance: Double($0 % 4) / 4)
        }
        let engine = try Fixtures.engine(
            clock: clock, policy: Fixtures.policy(default: .init(pool: .team("t"), strategy: strategy)), reps: reps)
        var next = 100
        for step in 0..<400 {
            let present = engine.state.roster.reps.keys.sorted()
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<8:
                try engine.setAvailability(present.randomElement(using: &random)!, status: .away)
            case 8..<16:
                try engine.setAvailability(present.randomElement(using: &random)!, status: .available)
            case 16..<19:
                next += 1
                try engine.upsertReps([Rep(id: "r\(next)", teams: ["t"], weight: Double(next % 3 + 1))])
                try engine.setAvailability("r\(next)", status: .available)
            case 19..<21 where present.count > 4:
                try engine.removeRep(present.randomElement(using: &random)!)
            default:
                let history = try #require(engine.events(after: 0, limit: Int.max))
                let replayed = RoutingEngine(
                    configuration: EngineConfiguration(detailedExplanations: false), clock: clock,
                    state: try EngineState(replaying: history))
                let lead = Fixtures.lead("lead-\(step)")
                #expect(try engine.route(lead).assignment.rep == replayed.route(lead).assignment.rep, "step \(step)")
            }
        }
        let history = try #require(engine.events(after: 0, limit: Int.max))
        #expect(try EngineState(replaying: history) == engine.state)
    }

    @Test func withoutCalibrationCountsAreStillReported() throws {
        let engine = try Fixtures.engine(reps: Fixtures.team("t", ["a", "b"]))
        _ = try Fixtures.routeMany(engine, count: 10)
        #expect(engine.state.ledger(pool: "everyone").mapValues(\.received) == ["a": 5, "b": 5])
    }
}
