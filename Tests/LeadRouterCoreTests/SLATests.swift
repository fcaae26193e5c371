import LeadRouterCore
import Testing

@Suite("SLA and escalation")
struct SLATests {
    func engine(_ clock: ManualClock, escalation: Rule.Escalation? = nil) throws -> RoutingEngine {
        let rule = Rule(
            name: "fast", condition: .always, target: .init(pool: .team("t")), slaSeconds: 60, escalation: escalation)
        return try Fixtures.engine(
            clock: clock, policy: Fixtures.policy([rule]),
            reps: Fixtures.team("t", ["a", "b", "c"]) + Fixtures.team("managers", ["boss"]))
    }

    @Test func anUnacceptedOfferExpiresAndNeverGoesBackToWhoLetItExpire() throws {
        let clock = ManualClock(Fixtures.start)
        let engine = try engine(clock)
        #expect(try engine.route(Fixtures.lead("1")).assignment.rep == "a")
        clock.advance(seconds: 59)
        #expect(engine.tick().isEmpty)
        clock.advance(seconds: 1)
        let events = engine.tick()
        #expect(events.map(\.kind).first == .expired(lead: "1", rep: "a"))
        let record = try #require(engine.state.assignments["1"])
        #expect(record.rep == "b")
        #expect(record.expiredReps == ["a"])
        #expect(record.misses == 1)
        #expect(engine.state.presence["a"]?.openAssignments == 0)
        clock.advance(seconds: 60)
        engine.tick()
        #expect(engine.state.assignments["1"]?.rep == "c")
        clock.advance(seconds: 60)
        engine.tick()
        // Everyone in the pool let it expire: it waits, rather than going back to a, b or c.
        let waiting = try #require(engine.state.assignments["1"])
        #expect(waiting.state == .queued, "\(waiting)")
        #expect(waiting.explanation.stages[0].candidates.allSatisfy { $0.rejection == .previouslyExpired })
    }

    @Test func aTickEarlierInTheSecondOfADeadlineLeavesTheOfferToExpireLater() throws {
        // The deadline falls late in its second (offered at .800, a 60 s SLA); a tick comes in that
        // second before it. It must not take the offer out of the SLA index: a later tick expires it.
        let clock = ManualClock(Fixtures.start)
        let engine = try engine(clock)
        clock.advance(seconds: 0.8)
        #expect(try engine.route(Fixtures.lead("late")).assignment.rep == "a")
        clock.advance(seconds: 59.4)
        #expect(engine.tick().isEmpty, "not due yet")
        clock.advance(seconds: 0.7)
        #expect(engine.tick().isEmpty, "past the deadline, but expiry goes by whole seconds")
        clock.advance(seconds: 0.1)
        #expect(engine.tick().map(\.kind).first == .expired(lead: "late", rep: "a"))
        #expect(engine.state.assignments["late"]?.rep == "b")
    }

    @Test func offersExpireByDeadlineWhenTheirSecondComesAndNotBefore() throws {
        // Offers on SLAs of different lengths, made in shuffled order a second apart: each tick expires
        // exactly the offers whose deadline has passed, earliest first.
        var random = SeededGenerator(seed: 0x51A_0DE)
        let clock = ManualClock(Fixtures.start)
        let lengths = [5, 90, 20, 600, 45]
        let rules = lengths.map { seconds in
            Rule(
                name: "sla-\(seconds)", condition: .equals(.source, "\(seconds)"), target: .init(pool: .team("t")),
                slaSeconds: Double(seconds))
        }
        let engine = try Fixtures.engine(
            clock: clock, policy: Fixtures.policy(rules), reps: Fixtures.team("t", ["only"], capacity: 1_000))
        var deadlines: [LeadID: Int64] = [:]
        for index in 0..<200 {
            let seconds = lengths.randomElement(using: &random)!
            try engine.route(Fixtures.lead("o\(index)") { $0.source = "\(seconds)" })
            deadlines["o\(index)"] = clock.now().seconds + Int64(seconds)
            clock.advance(seconds: 1)
        }
        var expired: [LeadID] = []
        for _ in 0..<100 {
            clock.advance(seconds: Double(Int.random(in: 1...12, using: &random)))
            let now = clock.now().seconds
            let fresh = engine.tick().compactMap { event -> LeadID? in
                if case .expired(let lead, _) = event.kind { return lead } else { return nil }
            }
            #expect(fresh.allSatisfy { deadlines[$0]! <= now })
            #expect(fresh.map { deadlines[$0]! } == fresh.map { deadlines[$0]! }.sorted())
            expired += fresh
            // Nothing overdue is left behind.
            #expect(deadlines.filter { $0.value <= now }.keys.allSatisfy(Set(expired).contains))
        }
        #expect(Set(expired).count == 200)
    }

    /// Reps a and b on a 60-second SLA, each tick expiring at most `maxExpiriesPerTick`.
    func boundedEngine(_ clock: ManualClock, maxExpiriesPerTick: Int) throws -> RoutingEngine {
        let rule = Rule(name: "fast", condition: .always, target: .init(pool: .team("t")), slaSeconds: 60)
        return try Fixtures.engine(
            clock: clock, policy: Fixtures.policy([rule]), reps: Fixtures.team("t", ["a", "b"], capacity: 1_000),
            maxExpiriesPerTick: maxExpiriesPerTick)
    }

    /// Ticks until no offer past its SLA is left (ten ticks at most): the leads expired, and how many
    /// each tick expired and whether it said more were due.
    func tickUntilCaughtUp(_ engine: RoutingEngine) -> (expired: [LeadID], ticks: [(expired: Int, stillDue: Bool)]) {
        var expired: [LeadID] = []
        var ticks: [(expired: Int, stillDue: Bool)] = []
        repeat {
            let (events, stillDue) = engine.tickReportingBacklog()
            let fresh = events.compactMap { event -> LeadID? in
                if case .expired(let lead, _) = event.kind { return lead } else { return nil }
            }
            expired += fresh
            ticks.append((fresh.count, stillDue))
        } while ticks.last!.stillDue && ticks.count < 10
        return (expired, ticks)
    }

    /// A tick expires a bounded number of offers, earliest deadline first and, within a second, in
    /// the order they were made, and says whether more are due; the next ticks take the rest, none
    /// skipped and none twice. (A tick is one commit every other call waits for.)
    @Test func aBacklogOfLapsedOffersExpiresABoundedNumberPerTickEarliestFirst() throws {
        let clock = ManualClock(Fixtures.start)
        let engine = try boundedEngine(clock, maxExpiriesPerTick: 100)
        var offered: [LeadID] = []
        for second in 0..<5 {
            for index in 0..<50 {
                offered.append("s\(second)-\(index)")
                try engine.route(Fixtures.lead(offered.last!))
            }
            clock.advance(seconds: 1)
        }
        clock.advance(seconds: 60)
        let (expired, ticks) = tickUntilCaughtUp(engine)
        #expect(ticks.map(\.expired) == [100, 100, 50])
        #expect(ticks.map(\.stillDue) == [true, true, false])
        #expect(expired == offered)
        // Each went to the other rep with a fresh SLA: nothing is due now.
        #expect(engine.tick().isEmpty)
        #expect(offered.allSatisfy { engine.state.assignments[$0]?.expiredReps.count == 1 })
    }

    /// Offers accepted before their deadline leave entries in the SLA index; a tick drops them on the
    /// way without counting them against its bound, so expiries never wait behind them.
    @Test func acceptedOffersDoNotCountAgainstATicksBound() throws {
        let clock = ManualClock(Fixtures.start)
        let engine = try boundedEngine(clock, maxExpiriesPerTick: 10)
        var unaccepted: [LeadID] = []
        for index in 0..<300 {
            try engine.route(Fixtures.lead("l\(index)"))
            if index % 10 == 9 { unaccepted.append("l\(index)") } else { try engine.accept("l\(index)") }
        }
        clock.advance(seconds: 61)
        let (expired, ticks) = tickUntilCaughtUp(engine)
        #expect(ticks.map(\.expired) == [10, 10, 10], "whatever the 270 accepted entries among them")
        #expect(ticks.map(\.stillDue) == [true, true, false])
        #expect(expired == unaccepted)
    }

    @Test func acceptingStopsTheClock() throws {
        let clock = ManualClock(Fixtures.start)
        let engine = try engine(clock)
        try engine.route(Fixtures.lead("1"))
        clock.advance(seconds: 30)
        let accepted = try engine.accept("1", by: "a")
        #expect(accepted.timeToAcceptMillis == 30_000)
        #expect(accepted.timeToAssignMillis == 0)
        clock.advance(seconds: 3600)
        #expect(engine.tick().isEmpty)
        #expect(engine.state.offersDue(by: clock.now()).isEmpty)
        #expect(engine.state.assignments["1"]?.slaDeadline == nil)
    }

    @Test func repeatedMissesEscalateToTheEscalationPool() throws {
        let clock = ManualClock(Fixtures.start)
        let escalation = Rule.Escalation(afterMisses: 2, target: .init(pool: .team("managers")))
        let engine = try engine(clock, escalation: escalation)
        try engine.route(Fixtures.lead("1"))
        clock.advance(seconds: 60)
        engine.tick()
        #expect(engine.state.assignments["1"]?.escalated == false)
        clock.advance(seconds: 60)
        let events = engine.tick()
        #expect(events.map(\.kind).contains(.escalated(lead: "1", rule: "fast")))
        let record = try #require(engine.state.assignments["1"])
        #expect(record.escalated)
        #expect(record.rep == "boss")
        #expect(record.explanation.notes.contains { $0.contains("escalated after 2 missed SLAs") })
    }

    @Test func escalationWithoutPoolOnlyFlags() throws {
        let clock = ManualClock(Fixtures.start)
        let engine = try engine(clock, escalation: .init(afterMisses: 1))
        try engine.route(Fixtures.lead("1"))
        clock.advance(seconds: 61)
        engine.tick()
        let record = try #require(engine.state.assignments["1"])
        #expect(record.escalated)
        #expect(record.rep == "b")
    }

    @Test func wrongRepCannotAcceptOrComplete() throws {
        let engine = try engine(ManualClock(Fixtures.start))
        try engine.route(Fixtures.lead("1"))
        #expect(throws: RoutingError.self) { try engine.accept("1", by: "b") }
        #expect(throws: RoutingError.self) { try engine.accept("nope") }
        let error = try #require(throws: RoutingError.self) { try engine.complete("nope", outcome: "x") }
        #expect(error.code == .notFound)
        try engine.complete("1", outcome: "won", by: "a")
        let again = try #require(throws: RoutingError.self) { try engine.reassign("1") }
        #expect(again.code == .failedPrecondition)
    }

    @Test func manualReassignMovesToAnotherRep() throws {
        let engine = try engine(ManualClock(Fixtures.start))
        try engine.route(Fixtures.lead("1"))
        let moved = try engine.reassign("1", reason: "customer asked")
        #expect(moved.assignment.rep == "b")
        #expect(moved.assignment.expiredReps.isEmpty)
        #expect(engine.state.presence["a"]?.openAssignments == 0)
        #expect(engine.state.presence["b"]?.openAssignments == 1)
    }
}
