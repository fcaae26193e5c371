import Foundation
import Testing

@testable import LeadRouterCore

/// A freed rep's dispatch asks each rule with leads waiting whether it could offer the rep any lead
/// (`QueueClasses`, `RouteDecider.couldTakeSomeLead`) and looks at no lead of a rule that says no.
/// That is sound only if the rule never says no when one of its leads could go to the rep.
@Suite("Waiting leads by rule")
struct QueueClassesTests {
    static let policy = """
        version: classes
        rules:
          - name: closers
            when: {field: source, equals: web}
            pool: {teams: [a]}
            skills: [{skill: closing, min: 2}]
          - name: regional
            when: {field: source, equals: event}
            pool: {territory: true, teams: [b]}
          - name: owned
            when: {field: account_id, exists: true}
            pool: {account_owner: true}
            fallback: [{pool: {teams: [b]}}]
          - name: speakers
            when: {field: source, equals: chat}
            pool: {teams: [a, b]}
            match_language: true
            skills: [{from: industry, min: 2}]
            escalation: {after_misses: 1, pool: {teams: [c]}}
        default:
          pool: {reps: [c-0, a-1]}
        """

    /// Random reps, leads and presence: for every rep and every waiting lead, a lead the rep could take
    /// means its rule says the rep could take some lead of it.
    @Test func aRuleNeverRulesOutARepWhoCouldTakeOneOfItsLeads() throws {
        var random = SeededGenerator(seed: 0xC1A5_5E5)
        let clock = ManualClock(Fixtures.start.adding(seconds: 10 * 3600))  // 10:00 UTC, a Thursday
        let engine = RoutingEngine(configuration: EngineConfiguration(detailedExplanations: false), clock: clock)
        let utc = TimeZone(identifier: "UTC")!
        let reps = (0..<36).map { index -> Rep in
            Rep(
                id: ["a", "b", "c"][index % 3] + "-\(index / 3)", teams: [["a", "b", "c"][index % 3]],
                skills: ["closing": index % 4, "retail": index % 3 + 1, "saas": (index / 2) % 4],
                territories: index % 5 == 0
                    ? [] : ["north", "south"].shuffled(using: &random).prefix(index % 2 + 1).map { $0 },
                languages: index % 2 == 0 ? ["en"] : ["en", "de"], capacity: index % 3 + 1,
                dailyCap: index % 7 == 0 ? 0 : nil,
                workingHours: index % 6 == 0 ? .weekdays(13 * 60, 17 * 60, in: utc) : nil,
                outOfOffice: index % 11 == 0
                    ? [OutOfOffice(start: Fixtures.start, end: Fixtures.start.adding(seconds: 86_400))] : [])
        }
        try engine.upsertReps(reps)
        try engine.setTerritories([
            Territory(id: "north", countries: ["SE"]), Territory(id: "south", countries: ["IT"]),
        ])
        try engine.setAccountOwners([
            AccountOwner(accountID: "acme", rep: "a-3"), AccountOwner(accountID: "globex", rep: "c-1"),
        ])
        try engine.applyPolicy(try PolicyParser.parse(Self.policy))
        // Everyone offline: every lead waits.
        for index in 0..<300 {
            try engine.route(
                Lead(
                    id: "lead-\(index)", createdAt: clock.now(),
                    source: ["web", "event", "chat", "phone"].randomElement(using: &random),
                    country: ["SE", "IT", "FR"].randomElement(using: &random),
                    industry: ["retail", "saas", "mining"].randomElement(using: &random),
                    language: ["en", "de", "fr"].randomElement(using: &random),
                    accountID: index % 4 == 0 ? ["acme", "globex", "initech"].randomElement(using: &random) : nil))
        }
        var state = engine.state
        #expect(state.queue.count == 300)
        // Some reps back, in every status, at or under their limits; the leads stay where they are.
        var seq = state.lastSeq
        for rep in reps {
            seq += 1
            let status = [RepStatus.available, .available, .available, .onCall, .away].randomElement(using: &random)!
            try state.apply(
                EngineEvent(
                    seq: seq, time: clock.now(),
                    kind: .availabilityChanged(
                        AvailabilityChange(
                            rep: rep.id, status: status, activeCalls: 0, capacity: Bool.random(using: &random) ? 0 : nil
                        ))))
        }
        let decider = RouteDecider(state: state, now: clock.now(), detailed: false)
        var ruledOut = 0
        var couldTake = 0
        for rep in reps {
            let index = try #require(state.roster.indexOf[rep.id])
            for lead in state.queue.keys {
                let record = try #require(state.assignments[lead])
                let rule = try #require(state.policy.rule(named: record.rule))
                let possible = decider.couldTakeSomeLead(of: rule, rep: index)
                if !possible { ruledOut += 1 }
                for escalated in [false, true] {
                    guard
                        decider.couldTake(
                            record.lead, rule: rule, escalated: escalated, excluded: record.expiredReps, rep: index)
                    else { continue }
                    couldTake += 1
                    #expect(possible, "\(rep.id) could take \(lead) (\(record.rule), escalated: \(escalated))")
                }
            }
        }
        // Both answers occur, so the implication was tested on both sides.
        #expect(ruledOut > 1000 && couldTake > 500, "ruled out \(ruledOut), could take \(couldTake)")
    }

    /// A dispatch for a rep of another team skips the queue; one for a rep a waiting rule includes
    /// takes the best lead of that rule, past better leads of rules that cannot include them.
    @Test func aFreedRepTakesTheBestLeadOfTheRulesThatIncludeThem() throws {
        let policy = try PolicyParser.parse(
            """
            version: teams
            rules:
              - name: specialists
                when: {field: source, equals: specialist}
                pool: {teams: [specialists]}
            default:
              pool: {teams: [generalists]}
            """)
        let engine = try Fixtures.engine(
            policy: policy,
            reps: [
                Rep(id: "spec", teams: ["specialists"], capacity: 1),
                Rep(id: "gen", teams: ["generalists"], capacity: 1),
            ])
        try engine.setAvailability("spec", status: .onCall)
        try engine.route(Fixtures.lead("busy") { $0.source = "web" })
        for index in 0..<3 {
            try engine.route(
                Fixtures.lead("special-\(index)") {
                    $0.source = "specialist"; $0.score = 90
                })
        }
        try engine.route(
            Fixtures.lead("general") {
                $0.source = "web"; $0.score = 10
            })
        #expect(engine.state.queueClasses.waitingByRule == ["specialists": 3, "default": 1])
        try engine.complete("busy", outcome: "done")
        #expect(engine.state.assignments["general"]?.rep == "gen")
        #expect(engine.state.queueClasses.waitingByRule == ["specialists": 3])
        try engine.setAvailability("spec", status: .available)
        #expect(engine.state.assignments["special-0"]?.rep == "spec")
        #expect(engine.state.queueClasses.waitingByRule == ["specialists": 2])
    }
}
