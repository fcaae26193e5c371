import Foundation
import LeadRouterCore
import Testing

@Suite("Explanations, idempotency and events")
struct ExplanationTests {
    @Test func explanationNamesRuleCandidatesReasonsAndChoice() throws {
        let rules = [
            Rule(name: "chat", condition: .equals(.source, "chat"), target: .init(pool: .team("t"))),
            Rule(name: "web", condition: .equals(.source, "web"), target: .init(pool: .team("t"))),
        ]
        let engine = try Fixtures.engine(
            policy: Fixtures.policy(rules), reps: Fixtures.team("t", ["a", "b", "c", "d"], capacity: 1))
        try engine.setAvailability("a", status: .offline)
        try engine.route(Fixtures.lead("first") { $0.source = "web" })  // b now at capacity
        let result = try engine.route(Fixtures.lead("second") { $0.source = "web" })
        let explanation = result.explanation
        #expect(explanation.policyVersion == "test")
        #expect(explanation.rule == "web")
        #expect(explanation.rulesNotMatched == ["chat"])
        #expect(explanation.outcome == .assigned)
        #expect(explanation.chosen == "c")
        let stage = try #require(explanation.stages.first)
        #expect(stage.chosen == "c")
        let reasons = Dictionary(uniqueKeysWithValues: stage.candidates.map { ($0.rep, $0.rejection) })
        #expect(reasons == ["a": .offline, "b": .atCapacity, "c": nil, "d": .notSelected])
        #expect(result.assignment.explanation == explanation)
    }

    @Test func summaryModeKeepsCountsWithoutCandidates() throws {
        let engine = try Fixtures.engine(detailed: false, reps: Fixtures.team("t", ["a", "b", "c"]))
        try engine.setAvailability("a", status: .onCall)
        let result = try engine.route(Fixtures.lead("1"))
        #expect(result.explanation.stages[0].candidates.isEmpty)
        #expect(result.explanation.stages[0].rejectionCounts == [.onCall: 1])
        #expect(result.explanation.chosen == "b")
        let full = try engine.route(Fixtures.lead("2"), detailed: true)
        #expect(full.explanation.stages[0].candidates.count == 3)
    }

    /// What the rule asks (skills, language) is reported before what the rep is doing: an offline or
    /// busy rep without the skill would not have had the lead either. Every scanning path (round-robin,
    /// weighted, least-loaded), in full and in summary.
    @Test(arguments: [RoutingStrategy.roundRobin, .weighted, .leastLoaded])
    func theRulesRequirementsAreReportedBeforeTheRepsStatus(strategy: RoutingStrategy) throws {
        let reps = [
            Rep(id: "d-unskilled-offline", teams: ["t"], skills: ["fintech": 1]),
            Rep(id: "e-unskilled-on-call", teams: ["t"]),
            Rep(id: "c-skilled-offline", teams: ["t"], skills: ["fintech": 3]),
            Rep(id: "b-skilled-full", teams: ["t"], skills: ["fintech": 5], capacity: 1),
            Rep(id: "a-skilled", teams: ["t"], skills: ["fintech": 4]),
        ]
        let rule = Rule(
            name: "skilled", condition: .always, target: .init(pool: .team("t"), strategy: strategy),
            skills: [.init(skill: "fintech", minLevel: 3)])
        for detailed in [true, false] {
            let engine = try Fixtures.engine(detailed: detailed, policy: Fixtures.policy([rule]), reps: reps)
            try engine.setAvailability("d-unskilled-offline", status: .offline)
            try engine.setAvailability("c-skilled-offline", status: .offline)
            try engine.setAvailability("e-unskilled-on-call", status: .onCall)
            try engine.setAvailability("a-skilled", status: .onCall)
            #expect(try engine.route(Fixtures.lead("fills")).assignment.rep == "b-skilled-full")
            try engine.setAvailability("a-skilled", status: .available)

            let result = try engine.route(Fixtures.lead("checked"))
            #expect(result.assignment.rep == "a-skilled")
            let stage = result.explanation.stages[0]
            // Members go in id order; round-robin in summary stops at its pick, before "b-skilled-full".
            let scannedAll = detailed || strategy != .roundRobin
            #expect(
                stage.rejectionCounts
                    == (scannedAll
                        ? [.missingSkill: 2, .offline: 1, .atCapacity: 1] : [.missingSkill: 2, .offline: 1]))
            if detailed {
                let reasons = Dictionary(uniqueKeysWithValues: stage.candidates.map { ($0.rep, $0.rejection) })
                #expect(
                    reasons == [
                        "d-unskilled-offline": .missingSkill, "e-unskilled-on-call": .missingSkill,
                        "c-skilled-offline": .offline, "b-skilled-full": .atCapacity, "a-skilled": nil,
                    ])
            }
        }
    }

    @Test func rejectionCountsListReasonsInDeclaredOrderAndReadAsNamesInJSON() throws {
        var counts: Explanation.RejectionCounts = [.notSelected: 2, .offline: 1]
        counts[.onCall] += 3
        counts[.offline] = 0
        #expect(counts.map(\.key) == [.onCall, .notSelected])
        #expect(counts.map(\.value) == [3, 2])
        #expect(counts.count == 2 && !counts.isEmpty && Explanation.RejectionCounts().isEmpty)
        #expect(counts == [.notSelected: 2, .onCall: 3] && counts != [.onCall: 3])

        let json = try JSONEncoder().encode(counts)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Int])
        #expect(object == ["on_call": 3, "not_selected": 2])
        #expect(try JSONDecoder().decode(Explanation.RejectionCounts.self, from: json) == counts)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Explanation.RejectionCounts.self, from: Data(#"{"bored": 1}"#.utf8))
        }
    }

    @Test func rulesNotMatchedListTheTriedRulesAndReadLikeAnArray() throws {
        // Filed by source, so a web lead tries "web-big" and the unindexed "anyone-huge" only.
        let rules = [
            Rule(name: "chat", condition: .equals(.source, "chat"), target: .init(pool: .team("t"))),
            Rule(
                name: "web-big", condition: .all([.equals(.source, "web"), .range(.employees, min: 500, max: nil)]),
                target: .init(pool: .team("t"))),
            Rule(
                name: "anyone-huge", condition: .range(.employees, min: 5000, max: nil), target: .init(pool: .team("t"))
            ),
            Rule(name: "web", condition: .equals(.source, "web"), target: .init(pool: .team("t"))),
        ]
        let engine = try Fixtures.engine(
            detailed: false, policy: Fixtures.policy(rules), reps: Fixtures.team("t", ["a"]))
        let indexed = try engine.route(Fixtures.lead("1") { $0.source = "web" }).explanation.rulesNotMatched
        #expect(indexed == ["web-big", "anyone-huge"])
        #expect(Array(indexed) == ["web-big", "anyone-huge"] && indexed.count == 2 && indexed[1] == "anyone-huge")
        let exhaustive = try engine.route(Fixtures.lead("2") { $0.source = "web" }, detailed: true)
        #expect(exhaustive.explanation.rulesNotMatched == ["chat", "web-big", "anyone-huge"])
        let unmatched = try engine.route(Fixtures.lead("3") { $0.source = "ads" }).explanation.rulesNotMatched
        #expect(unmatched == ["anyone-huge"])
        #expect(unmatched.hashValue == RuleNames(["anyone-huge"]).hashValue && unmatched != indexed)

        let json = try JSONEncoder().encode(indexed)
        #expect(try JSONSerialization.jsonObject(with: json) as? [String] == ["web-big", "anyone-huge"])
        #expect(try JSONDecoder().decode(RuleNames.self, from: json) == indexed)
    }

    @Test func stageListsKeepChainOrderChangeInPlaceAndReadAsAListInJSON() throws {
        func stage(_ pool: String) -> Explanation.Stage {
            .init(pool: pool, strategy: .roundRobin, candidates: [], rejectionCounts: [:], chosen: nil)
        }
        var stages = Explanation.StageList()
        #expect(stages.isEmpty && Array(stages).isEmpty)
        for pool in ["first", "second", "third"] { stages.append(stage(pool)) }
        #expect(stages.map(\.pool) == ["first", "second", "third"] && stages.count == 3)
        stages[0].chosen = "a"
        stages[2].rejectionCounts[.offline] = 2
        #expect(stages.map(\.chosen) == ["a", nil, nil] && stages.last?.rejectionCounts == [.offline: 2])
        #expect(stages == Explanation.StageList(Array(stages)) && stages != [stage("first")])
        #expect(Explanation.StageList([stage("x")]).hashValue == ([stage("x")] as Explanation.StageList).hashValue)

        let json = try JSONEncoder().encode(stages)
        let list = try #require(try JSONSerialization.jsonObject(with: json) as? [[String: Any]])
        #expect(list.compactMap { $0["pool"] as? String } == ["first", "second", "third"])
        #expect(try JSONDecoder().decode(Explanation.StageList.self, from: json) == stages)
    }

    @Test func routingTheSameLeadTwiceReturnsTheExistingAssignment() throws {
        let engine = try Fixtures.engine(reps: Fixtures.team("t", ["a", "b"]))
        let first = try engine.route(Fixtures.lead("dup"))
        let seq = engine.state.lastSeq
        let second = try engine.route(Fixtures.lead("dup") { $0.source = "changed" })
        #expect(!second.isNew && first.isNew)
        #expect(second.assignment == first.assignment)
        #expect(second.explanation.outcome == .existing)
        #expect(engine.state.lastSeq == seq)
        #expect(engine.state.presence["a"]?.openAssignments == 1)
        #expect(engine.state.presence["b"]?.openAssignments == 0)
    }

    @Test func emptyLeadIdIsRejected() throws {
        let engine = try Fixtures.engine(reps: [Rep(id: "a")])
        let error = try #require(throws: RoutingError.self) { try engine.route(Fixtures.lead("")) }
        #expect(error.code == .invalidArgument)
    }

    @Test func dryRunChangesNothingAndCanUseACandidatePolicy() throws {
        let engine = try Fixtures.engine(reps: Fixtures.team("t", ["a"]) + Fixtures.team("u", ["z"]))
        let before = engine.state
        let live = try engine.dryRun(Fixtures.lead("x"))
        #expect(live.assignment.rep == "a")
        let candidate = Fixtures.policy(default: .init(pool: .team("u")))
        #expect(try engine.dryRun(Fixtures.lead("x"), policy: candidate).assignment.rep == "z")
        #expect(engine.state == before)
    }

    @Test func everyEventIsNumberedWithoutGapsAndReplayRebuildsTheState() throws {
        let clock = ManualClock(Fixtures.start)
        var events: [EngineEvent] = []
        let engine = try Fixtures.engine(clock: clock, reps: Fixtures.team("t", ["a", "b", "c"], capacity: 2))
        try engine.applyPolicy(
            Fixtures.policy([
                Rule(name: "sla", condition: .equals(.source, "x"), target: .init(pool: .team("t")), slaSeconds: 10)
            ]))
        try engine.setAccountOwners([AccountOwner(accountID: "acme", rep: "a")])
        try engine.setTerritories([Territory(id: "de", countries: ["DE"])])
        for index in 0..<12 { try engine.route(Fixtures.lead("l\(index)") { $0.source = index % 2 == 0 ? "x" : "y" }) }
        try engine.accept("l1")
        try engine.complete("l1", outcome: "won")
        try engine.setAvailability("b", status: .away)
        clock.advance(seconds: 11)
        engine.tick()
        try engine.reassign("l3")
        try engine.removeRep("c")
        events = try #require(engine.events(after: 0, limit: 100_000))
        #expect(events.map(\.seq) == Array(1...engine.state.lastSeq))
        let rebuilt = try EngineState(replaying: events)
        #expect(rebuilt == engine.state)
        // A gap is refused, not silently applied.
        #expect(throws: RoutingError.self) { try EngineState(replaying: events.dropFirst()) }
    }
}

@Suite("Archiving completed assignments")
struct ArchiveTests {
    @Test func oldCompletionsLeaveMemoryThroughAnEventAndReplayAgrees() throws {
        let clock = ManualClock(Fixtures.start)
        let engine = RoutingEngine(configuration: EngineConfiguration(completedInMemory: 3), clock: clock)
        try engine.upsertReps(Fixtures.team("t", ["a", "b"]))
        for rep in ["a", "b"] { try engine.setAvailability(rep, status: .available) }
        for index in 0..<10 {
            try engine.route(Fixtures.lead("l\(index)"))
            if index < 8 { try engine.complete("l\(index)", outcome: "won") }
        }
        let events = engine.tick()
        let archived = try #require(
            events.compactMap { event -> [Assignment]? in
                if case .archived(let records, _) = event.kind { return records }
                return nil
            }.first)
        #expect(archived.map(\.lead.id) == ["l0", "l1", "l2", "l3", "l4"])
        #expect(engine.state.assignments.count == 5)
        #expect(engine.state.pendingCompletions == ["l5", "l6", "l7"])
        #expect(engine.state.assignments["l8"]?.state == .offered)
        let replayed = try EngineState(replaying: try #require(engine.events(after: 0, limit: 10_000)))
        #expect(replayed == engine.state)
        #expect(EngineState(snapshot: engine.state.snapshot) == engine.state)
        #expect(engine.tick().isEmpty, "nothing more to archive")
    }
}
