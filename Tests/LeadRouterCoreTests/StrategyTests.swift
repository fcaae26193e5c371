import Foundation
import LeadRouterCore
import Testing

@Suite("Strategies")
struct StrategyTests {
    @Test func roundRobinCyclesInMemberOrder() throws {
        let engine = try Fixtures.engine(reps: Fixtures.team("inbound", ["a", "b", "c"]))
        let order = try (0..<6).map { try engine.route(Fixtures.lead("l\($0)")).assignment.rep }
        #expect(order == ["a", "b", "c", "a", "b", "c"])
        // Enough members that the cursor is found eight at a time, and in the remainder after them.
        let ids = (0..<21).map { "r" + String($0 + 100) }
        let larger = try Fixtures.engine(reps: Fixtures.team("inbound", ids))
        let cycle = try (0..<42).map { try larger.route(Fixtures.lead("m\($0)")).assignment.rep }
        #expect(cycle == ids + ids)
    }

    /// A pool of several teams walks team by team, each member once, and follows the roster and the
    /// policy as they change (its members are worked out when they do, not on every route).
    @Test func aPoolOfSeveralTeamsFollowsTheRosterAndThePolicy() throws {
        let twoTeams = Fixtures.policy(default: .init(pool: Pool(teams: ["a", "b"]), strategy: .roundRobin))
        let engine = try Fixtures.engine(
            policy: twoTeams,
            reps: [Rep(id: "a1", teams: ["a"]), Rep(id: "ab", teams: ["a", "b"]), Rep(id: "b1", teams: ["b"])])
        var number = 0
        func next(_ count: Int) throws -> [RepID?] {
            try (0..<count).map { _ in
                number += 1
                return try engine.route(Fixtures.lead("l\(number)")).assignment.rep
            }
        }
        #expect(try next(6) == ["a1", "ab", "b1", "a1", "ab", "b1"])
        try engine.upsertReps([Rep(id: "b2", teams: ["b"])])
        try engine.setAvailability("b2", status: .available)
        let joined = try next(4)
        #expect(joined == ["b2", "a1", "ab", "b1"], "\(joined)")
        try engine.removeRep("ab")
        let left = try next(3)
        #expect(left == ["b2", "a1", "b1"], "\(left)")
        try engine.applyPolicy(Fixtures.policy(default: .init(pool: Pool(teams: ["b", "a"]), strategy: .roundRobin)))
        #expect(try next(3) == ["b1", "b2", "a1"])
    }

    @Test func roundRobinSkipsIneligibleRepsWithReasons() throws {
        let engine = try Fixtures.engine(reps: Fixtures.team("inbound", ["a", "b", "c", "d"]))
        try engine.setAvailability("a", status: .onCall)
        try engine.setAvailability("b", status: .away)
        let result = try engine.route(Fixtures.lead("l1"))
        #expect(result.assignment.rep == "c")
        let candidates = result.explanation.stages[0].candidates
        #expect(candidates.first { $0.rep == "a" }?.rejection == .onCall)
        #expect(candidates.first { $0.rep == "b" }?.rejection == .away)
        #expect(try engine.route(Fixtures.lead("l2")).assignment.rep == "d")
        #expect(try engine.route(Fixtures.lead("l3")).assignment.rep == "c")
    }

    @Test func weightedGivesTwiceTheShareForWeightTwo() throws {
        let reps = [
            Rep(id: "one", teams: ["t"], weight: 1, capacity: 1000),
            Rep(id: "two", teams: ["t"], weight: 2, capacity: 1000),
        ]
        let engine = try Fixtures.engine(
            policy: Fixtures.policy(default: .init(pool: .team("t"), strategy: .weighted)), reps: reps)
        let shares = try Fixtures.routeMany(engine, count: 300)
        #expect(shares["one"] == 100)
        #expect(shares["two"] == 200)
    }

    @Test func performanceWeightedFavoursConvertersWithinBounds() throws {
        let reps = [
            Rep(id: "star", teams: ["t"], performance: 0.4, capacity: 1000),
            Rep(id: "mid", teams: ["t"], performance: 0.2, capacity: 1000),
            Rep(id: "low", teams: ["t"], performance: 0.0, capacity: 1000),
        ]
        var policy = Fixtures.policy(default: .init(pool: .team("t"), strategy: .performanceWeighted))
        policy.performance = .init(floor: 0.5, cap: 1.5)
        let engine = try Fixtures.engine(policy: policy, reps: reps)
        let shares = try Fixtures.routeMany(engine, count: 350)
        // mean 0.2: star 2.0 -> capped 1.5, mid 1.0, low 0.0 -> floored 0.5; total 3.0
        #expect(shares["star"] == 175)
        #expect(shares["mid"] == 117 || shares["mid"] == 116)
        #expect((58...59).contains(shares["low"] ?? 0))
    }

    @Test func leastLoadedCountsOpenWorkAndCallsAgainstCapacity() throws {
        let reps = [Rep(id: "a", teams: ["t"], capacity: 10), Rep(id: "b", teams: ["t"], capacity: 2)]
        let engine = try Fixtures.engine(
            policy: Fixtures.policy(default: .init(pool: .team("t"), strategy: .leastLoaded)), reps: reps)
        // a: 0/10, b: 0/2 -> tie broken by idle time; then a stays less loaded until 2/10 vs 1/2
        var got: [RepID?] = []
        for index in 0..<4 { got.append(try engine.route(Fixtures.lead("l\(index)")).assignment.rep) }
        #expect(got.filter { $0 == "b" }.count == 1)
        try engine.setAvailability("a", status: .available, activeCalls: 9)
        // a: (3 open + 9 calls)/10 = 1.2, b: 1/2 = 0.5
        #expect(try engine.route(Fixtures.lead("l9")).assignment.rep == "b")
    }

    @Test func longestIdlePicksWhoWaitedLongest() throws {
        let clock = ManualClock(Fixtures.start)
        let engine = try Fixtures.engine(
            clock: clock, policy: Fixtures.policy(default: .init(pool: .team("t"), strategy: .longestIdle)),
            reps: Fixtures.team("t", ["a", "b", "c"]))
        clock.advance(seconds: 10)
        #expect(try engine.route(Fixtures.lead("1")).assignment.rep == "a")
        clock.advance(seconds: 10)
        #expect(try engine.route(Fixtures.lead("2")).assignment.rep == "b")
        clock.advance(seconds: 10)
        // c ended a call just now, so a (assigned 20 s ago) is the longest idle.
        try engine.setAvailability("c", status: .onCall, activeCalls: 1)
        try engine.setAvailability("c", status: .available, activeCalls: 0)
        #expect(try engine.route(Fixtures.lead("3")).assignment.rep == "a")
    }

    @Test func territoryRoutesToTheMostSpecificTerritory() throws {
        let reps = [
            Rep(id: "munich", teams: ["emea"], territories: ["de-south"]),
            Rep(id: "berlin", teams: ["emea"], territories: ["de"]),
            Rep(id: "paris", teams: ["emea"], territories: ["fr"]),
        ]
        let engine = try Fixtures.engine(
            policy: Fixtures.policy(default: .init(pool: Pool(teams: ["emea"], territory: true))), reps: reps)
        try engine.setTerritories([
            Territory(id: "de", countries: ["DE"]),
            Territory(id: "de-south", countries: ["DE"], postalPrefixes: ["8", "9"]),
            Territory(id: "fr", countries: ["fr"]),
        ])
        #expect(
            try engine.route(
                Fixtures.lead("1") {
                    $0.country = "de"; $0.postalCode = "80331"
                }
            ).assignment.rep == "munich")
        #expect(
            try engine.route(
                Fixtures.lead("2") {
                    $0.country = "DE"; $0.postalCode = "10115"
                }
            ).assignment.rep == "berlin")
        #expect(try engine.route(Fixtures.lead("3") { $0.country = "FR" }).assignment.rep == "paris")
        let outside = try engine.route(Fixtures.lead("4") { $0.country = "JP" })
        #expect(outside.assignment.state == .queued)
        #expect(outside.explanation.notes.contains("lead matches no territory"))
    }

    @Test func territoryTiesGoToTheSmallerIdAndTheLongestPostalPrefixCounts() throws {
        let reps = ["a-de", "z-de", "de-803", "anywhere-80"].map { Rep(id: $0, teams: ["t"], territories: [$0]) }
        let engine = try Fixtures.engine(
            policy: Fixtures.policy(default: .init(pool: Pool(teams: ["t"], territory: true))), reps: reps)
        try engine.setTerritories([
            Territory(id: "z-de", countries: ["DE"]),
            Territory(id: "a-de", countries: ["DE"]),
            Territory(id: "de-803", countries: ["DE"], postalPrefixes: ["8", "803"]),
            Territory(id: "anywhere-80", postalPrefixes: ["80"]),
        ])
        let tie = try engine.route(Fixtures.lead("1") { $0.country = "DE" })
        #expect(tie.assignment.rep == "a-de")
        // 803 (three digits) beats the country-free 80 (two); its own 8 alone would not.
        let munich = try engine.route(
            Fixtures.lead("2") {
                $0.country = "DE"; $0.postalCode = "80331"
            })
        #expect(munich.assignment.rep == "de-803")
        // Only the territory without a country covers France.
        let france = try engine.route(
            Fixtures.lead("3") {
                $0.country = "FR"; $0.postalCode = "80100"
            })
        #expect(france.assignment.rep == "anywhere-80")
        #expect(france.explanation.notes.contains("lead is in territory anywhere-80"))
    }

    @Test func skillsRequireMinimumLevelsFromRuleOrLead() throws {
        let reps = [
            Rep(id: "novice", teams: ["t"], skills: ["fintech": 1, "solutions": 3], languages: ["en"]),
            Rep(id: "expert", teams: ["t"], skills: ["fintech": 4], languages: ["de", "en"]),
        ]
        let rule = Rule(
            name: "skilled", condition: .exists(.industry), target: .init(pool: .team("t")),
            skills: [.init(fromField: .industry, minLevel: 3)], matchLanguage: true)
        let engine = try Fixtures.engine(policy: Fixtures.policy([rule], default: .init(pool: .team("t"))), reps: reps)
        let result = try engine.route(
            Fixtures.lead("1") {
                $0.industry = "fintech"; $0.language = "de"
            })
        #expect(result.assignment.rep == "expert")
        #expect(result.explanation.stages[0].candidates.first { $0.rep == "novice" }?.rejection == .missingSkill)
        let german = Rule(name: "de", condition: .always, target: .init(pool: .team("t")), matchLanguage: true)
        let second = try Fixtures.engine(policy: Fixtures.policy([german]), reps: reps)
        let routed = try second.route(Fixtures.lead("2") { $0.language = "de" })
        #expect(routed.assignment.rep == "expert")
        #expect(routed.explanation.stages[0].candidates.first { $0.rep == "novice" }?.rejection == .missingLanguage)

        // Levels outside a byte compare as they are (clamped, not wrapped: -253 would wrap to 3, 258 to 2).
        let outliers = [
            Rep(id: "negative", teams: ["t"], skills: ["fintech": -253], languages: ["de"]),
            Rep(id: "veteran", teams: ["t"], skills: ["fintech": 258], languages: ["de"]),
        ]
        let third = try Fixtures.engine(
            policy: Fixtures.policy([rule], default: .init(pool: .team("t"))), reps: outliers)
        let clamped = try third.route(
            Fixtures.lead("3") {
                $0.industry = "fintech"; $0.language = "de"
            })
        #expect(clamped.assignment.rep == "veteran")
        #expect(clamped.explanation.stages[0].candidates.first { $0.rep == "negative" }?.rejection == .missingSkill)
    }

    @Test func accountOwnerFirstThenFallbackWhenAway() throws {
        let rule = Rule(
            name: "abm", condition: .any([.exists(.accountID), .exists(.emailDomain)]),
            target: .init(pool: Pool(accountOwner: true)), fallbacks: [.init(pool: .team("t"), strategy: .leastLoaded)])
        let engine = try Fixtures.engine(
            policy: Fixtures.policy([rule], default: .init(pool: .team("t"))),
            reps: Fixtures.team("t", ["owner", "other"]))
        try engine.setAccountOwners([
            AccountOwner(accountID: "acme", rep: "owner"), AccountOwner(domain: "Globex.com", rep: "owner"),
        ])
        let owned = try engine.route(Fixtures.lead("1") { $0.accountID = "acme" })
        #expect(owned.assignment.rep == "owner")
        // The owner's pool is keyed by the owner, and the explanation says why. It keeps no cursor or
        // ledger: one member, nothing to rotate or balance.
        #expect(owned.explanation.stages.map(\.pool) == ["owner=owner"])
        #expect(owned.explanation.notes == ["account owner is owner"])
        #expect(engine.state.pools.keys.map(\.name) == [])
        #expect(try engine.route(Fixtures.lead("2") { $0.email = "ceo@globex.com" }).assignment.rep == "owner")
        try engine.setAvailability("owner", status: .away)
        let result = try engine.route(Fixtures.lead("3") { $0.accountID = "acme" })
        #expect(result.assignment.rep == "other")
        #expect(result.explanation.stages.count == 2)
        #expect(result.explanation.stages[0].candidates.first?.rejection == .away)
        #expect(result.explanation.stages.map(\.pool) == ["owner=owner", "teams=t"])
        #expect(engine.state.pools.keys.map(\.name) == ["teams=t"])
        #expect(try EngineState(replaying: engine.events(after: 0)!) == engine.state)
        let unowned = try engine.route(Fixtures.lead("4") { $0.accountID = "initech" })
        #expect(unowned.explanation.stages.first?.pool == "owner=none")
        #expect(unowned.explanation.notes.first == "lead has no account owner")
    }

    /// The offer counts against the day in the rep's time zone, the day the check then asks about: at
    /// 14:30 UTC on a Thursday it is already 00:30 on Friday at UTC+10.
    @Test func aDailyCapCountsTheDayInTheRepsTimeZone() throws {
        let clock = ManualClock(Fixtures.start.adding(seconds: 14.5 * 3600))
        let east = TimeZone(secondsFromGMT: 10 * 3600)!
        let reps = [Rep(id: "east", teams: ["t"], dailyCap: 1, workingHours: .weekdays(0, 24 * 60, in: east))]
        let engine = try Fixtures.engine(
            clock: clock, policy: Fixtures.policy(default: .init(pool: .team("t"))), reps: reps)
        #expect(try engine.route(Fixtures.lead("1")).assignment.rep == "east")
        try engine.complete("1", outcome: "won")
        let second = try engine.route(Fixtures.lead("2"))
        #expect(second.assignment.state == .queued)
        #expect(second.explanation.stages.first?.candidates.first?.rejection == .dailyCap)
    }

    @Test func eligibilityHonoursCapsHoursAndLeave() throws {
        let clock = ManualClock(Fixtures.start)  // Thursday 00:00 UTC
        let utc = TimeZone(identifier: "UTC")!
        let reps = [
            Rep(id: "capped", teams: ["t"], capacity: 1),
            Rep(id: "daily", teams: ["t"], dailyCap: 1),
            Rep(id: "nine-to-five", teams: ["t"], workingHours: .weekdays(9 * 60, 17 * 60, in: utc)),
            Rep(
                id: "on-leave", teams: ["t"],
                outOfOffice: [OutOfOffice(start: Fixtures.start, end: Fixtures.start.adding(seconds: 86_400))]),
        ]
        let engine = try Fixtures.engine(
            clock: clock, policy: Fixtures.policy(default: .init(pool: .team("t"))), reps: reps)
        #expect(try engine.route(Fixtures.lead("1")).assignment.rep == "capped")
        try engine.accept("1")  // accepted work never expires
        #expect(try engine.route(Fixtures.lead("2")).assignment.rep == "daily")
        try engine.complete("2", outcome: "won")
        let third = try engine.route(Fixtures.lead("3"))
        #expect(third.assignment.state == .queued)
        let reasons = Dictionary(
            uniqueKeysWithValues: third.explanation.stages[0].candidates.map { ($0.rep, $0.rejection) })
        #expect(reasons["capped"] == .atCapacity)
        #expect(reasons["daily"] == .dailyCap)
        #expect(reasons["nine-to-five"] == .outsideHours)
        #expect(reasons["on-leave"] == .outOfOffice)
        clock.advance(seconds: 10 * 3600)  // 10:00 Thursday: working hours, leave still on
        engine.tick()  // time alone made a rep eligible: the waiting lead goes first
        #expect(engine.state.assignments["3"]?.rep == "nine-to-five")
        #expect(try engine.route(Fixtures.lead("4")).assignment.rep == "nine-to-five")
        clock.advance(seconds: 16 * 3600)  // Friday 02:00: leave over, new day for the daily cap
        #expect(try engine.route(Fixtures.lead("5")).assignment.rep == "on-leave")
        #expect(try engine.route(Fixtures.lead("6")).assignment.rep == "daily")
    }
}
