import LeadRouterCore
import Testing

@Suite("Queue and fallback")
struct QueueTests {
    @Test func fallbackChainIsWalkedBeforeQueueing() throws {
        let rule = Rule(
            name: "r", condition: .always, target: .init(pool: .team("first")),
            fallbacks: [.init(pool: .team("second")), .init(pool: .team("third"), strategy: .leastLoaded)])
        let reps = Fixtures.team("first", ["f"]) + Fixtures.team("second", ["s"]) + Fixtures.team("third", ["t"])
        let engine = try Fixtures.engine(policy: Fixtures.policy([rule]), reps: reps)
        try engine.setAvailability("f", status: .offline)
        try engine.setAvailability("s", status: .wrapUp)
        let result = try engine.route(Fixtures.lead("1"))
        #expect(result.assignment.rep == "t")
        #expect(result.explanation.stages.map(\.pool) == ["teams=first", "teams=second", "teams=third"])
        #expect(result.explanation.stages.map(\.chosen) == [nil, nil, "t"])
        try engine.accept("1")
        try engine.setAvailability("t", status: .offline)
        let queued = try engine.route(Fixtures.lead("2"))
        #expect(queued.assignment.state == .queued)
        #expect(queued.explanation.outcome == .queued)
        #expect(engine.state.queue.count == 1)
        // The route applies a new lead's queueing itself; replaying its event must agree, record and
        // place in the queue alike, and so must queueing the same lead again.
        let record = try #require(engine.state.assignments["2"])
        #expect(record.explanation == queued.explanation && record.rule == "r" && record.rep == nil)
        #expect(engine.state.queue["2"]?.since == Fixtures.start)
        try engine.reassign("2")
        let history = try #require(engine.events(after: 0, limit: Int.max))
        #expect(try EngineState(replaying: history) == engine.state)
    }

    @Test func aFreedRepTakesTheBestWaitingLeadInTheSameCall() throws {
        let clock = ManualClock(Fixtures.start)
        let engine = try Fixtures.engine(clock: clock, reps: [Rep(id: "solo", capacity: 1)])
        try engine.route(Fixtures.lead("busy"))
        try engine.accept("busy")
        clock.advance(seconds: 1)
        try engine.route(Fixtures.lead("old-low") { $0.score = 10 })
        clock.advance(seconds: 1)
        try engine.route(Fixtures.lead("new-high") { $0.score = 90 })
        clock.advance(seconds: 1)
        try engine.route(
            Fixtures.lead("older-high") {
                $0.score = 90; $0.createdAt = Fixtures.start
            })
        #expect(engine.state.queueInOrder.map(\.lead) == ["new-high", "older-high", "old-low"])
        try engine.complete("busy", outcome: "won")
        #expect(engine.state.assignments["new-high"]?.state == .offered)
        #expect(engine.state.assignments["new-high"]?.rep == "solo")
        #expect(engine.state.queueInOrder.map(\.lead) == ["older-high", "old-low"])
    }

    /// A freed rep's dispatch passes over waiting leads they cannot take (here: other team's, ranked
    /// higher) without touching them, and takes the best one they can.
    @Test func aFreedRepPassesOverLeadsOnlyOthersCanTake() throws {
        let policy = try PolicyParser.parse(
            """
            version: teams
            rules:
              - name: spanish
                when: { field: language, equals: es }
                pool: { teams: [es] }
            default:
              pool: { teams: [en] }
            """)
        let engine = try Fixtures.engine(
            policy: policy, reps: Fixtures.team("es", ["lola"], capacity: 1) + Fixtures.team("en", ["ann"], capacity: 1)
        )
        try engine.route(Fixtures.lead("es-busy") { $0.language = "es" })
        try engine.route(Fixtures.lead("en-busy"))
        for index in 0..<3 {
            try engine.route(
                Fixtures.lead("es-\(index)") {
                    $0.language = "es"; $0.score = 90
                })
        }
        try engine.route(Fixtures.lead("en-waiting") { $0.score = 10 })
        let before = engine.lastSeq
        try engine.complete("en-busy", outcome: "done")
        #expect(engine.state.assignments["en-waiting"]?.rep == "ann")
        let touched = Set((engine.events(after: before, limit: .max) ?? []).compactMap(\.lead))
        #expect(touched == ["en-busy", "en-waiting"])
        try engine.complete("es-busy", outcome: "done")
        #expect(engine.state.assignments["es-0"]?.rep == "lola")
        #expect(engine.state.queueInOrder.map(\.lead) == ["es-1", "es-2"])
    }

    /// Territories and account owners decide pools, so setting them dispatches at once; a tick, when
    /// time alone cannot make anyone eligible (no working hours, leave, daily caps or calling hours),
    /// leaves the queue alone.
    @Test func territoriesAndOwnersDispatchInTheirOwnCall() throws {
        let engine = try Fixtures.engine(
            policy: Fixtures.policy(default: .init(pool: Pool(territory: true))),
            reps: [Rep(id: "berlin", territories: ["de"]), Rep(id: "owner")])
        try engine.route(Fixtures.lead("de-1") { $0.country = "DE" })
        #expect(engine.state.assignments["de-1"]?.state == .queued)
        #expect(engine.tick().isEmpty)
        try engine.setTerritories([Territory(id: "de", countries: ["DE"])])
        #expect(engine.state.assignments["de-1"]?.rep == "berlin")

        try engine.applyPolicy(Fixtures.policy(default: .init(pool: Pool(accountOwner: true))))
        try engine.route(Fixtures.lead("acme-1") { $0.accountID = "acme" })
        #expect(engine.state.assignments["acme-1"]?.state == .queued)
        try engine.setAccountOwners([AccountOwner(accountID: "acme", rep: "owner")])
        #expect(engine.state.assignments["acme-1"]?.rep == "owner")
    }

    @Test func availabilityCapacityAndNewRepsDispatch() throws {
        let engine = try Fixtures.engine(reps: [Rep(id: "a", capacity: 1)])
        try engine.setAvailability("a", status: .onCall, activeCalls: 1)
        try engine.route(Fixtures.lead("1"))
        try engine.route(Fixtures.lead("2"))
        try engine.route(Fixtures.lead("3"))
        #expect(engine.state.queue.count == 3)
        try engine.setAvailability("a", status: .available, activeCalls: 0)
        #expect(engine.state.assignments["1"]?.rep == "a")
        #expect(engine.state.queue.count == 2)
        try engine.setAvailability("a", status: .available, capacity: 2)
        #expect(engine.state.assignments["2"]?.rep == "a")
        try engine.upsertReps([Rep(id: "b")])
        #expect(engine.state.queue.count == 1)  // b is offline until its dialer says otherwise
        try engine.setAvailability("b", status: .available)
        #expect(engine.state.assignments["3"]?.rep == "b")
        #expect(engine.state.queue.isEmpty)
    }

    @Test func aRepGoingAwayHandsBackOffersButKeepsAcceptedWork() throws {
        let engine = try Fixtures.engine(reps: Fixtures.team("t", ["a", "b"]))
        try engine.route(Fixtures.lead("1"))  // a
        try engine.route(Fixtures.lead("2"))  // b
        try engine.route(Fixtures.lead("3"))  // a
        try engine.accept("1")
        let events = try engine.setAvailability("a", status: .offline)
        #expect(events.contains { if case .released(lead: "3", rep: "a", _) = $0.kind { true } else { false } })
        #expect(engine.state.assignments["1"]?.rep == "a")
        #expect(engine.state.assignments["1"]?.state == .accepted)
        #expect(engine.state.assignments["3"]?.rep == "b")
        #expect(engine.state.presence["a"]?.openAssignments == 1)
    }

    @Test func policyWithoutMatchingRepsNeverDropsALead() throws {
        let engine = try Fixtures.engine(
            policy: Fixtures.policy(default: .init(pool: .team("nobody"))), reps: [Rep(id: "a", capacity: 100)])
        for index in 0..<20 { try engine.route(Fixtures.lead("\(index)")) }
        #expect(engine.state.assignments.count == 20)
        #expect(engine.state.queue.count == 20)
        try engine.applyPolicy(Fixtures.policy())
        #expect(engine.state.queue.isEmpty)
        #expect(engine.state.assignments.values.allSatisfy { $0.rep == "a" })
    }
    @Test func aBacklogIsDispatchedBestFirstThroughRequeues() throws {
        // Scores with many ties and arrival times a few apart, so priority, age and sequence all decide.
        var random = SeededGenerator(seed: 0xBAC6_1060)
        let clock = ManualClock(Fixtures.start)
        let engine = try Fixtures.engine(clock: clock, reps: [Rep(id: "solo", capacity: 1)], available: false)
        for index in 0..<400 {
            if Bool.random(using: &random) { clock.advance(seconds: 1) }
            try engine.route(Fixtures.lead("q\(index)") { $0.score = Double(Int.random(in: 0..<5, using: &random)) })
        }
        // Reassigning a waiting lead queues it again under a new sequence number, keeping its place in
        // age: its earlier entry in the dispatch order goes stale (twice over, so the order is rebuilt).
        for _ in 0..<2 {
            for index in (0..<400).shuffled(using: &random).prefix(300) { try engine.reassign("q\(index)") }
        }
        let expected = engine.state.queueInOrder.map(\.lead)
        #expect(expected.count == 400)
        try engine.setAvailability("solo", status: .available)
        var dispatched: [LeadID] = []
        while let offered = engine.state.openLeads(of: "solo").first {
            dispatched.append(offered)
            try engine.accept(offered)
            try engine.complete(offered, outcome: "done")
        }
        #expect(dispatched == expected)
        #expect(engine.state.queue.isEmpty)
    }
}
