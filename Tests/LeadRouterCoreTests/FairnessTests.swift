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

    @Test func withoutCalibrationCountsAreStillReported() throws {
        let engine = try Fixtures.engine(reps: Fixtures.team("t", ["a", "b"]))
        _ = try Fixtures.routeMany(engine, count: 10)
        #expect(engine.state.ledger(pool: "everyone").mapValues(\.received) == ["a": 5, "b": 5])
    }
}
