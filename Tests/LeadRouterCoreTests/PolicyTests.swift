import Foundation
import LeadRouterCore
import Testing

@Suite("Policy files")
struct PolicyTests {
    static var examplePolicy: String {
        get throws {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "../../examples/policy.yaml")
            return try String(contentsOf: url, encoding: .utf8)
        }
    }

    @Test func theDocumentedExampleParsesWithEveryFeature() throws {
        let policy = try PolicyParser.parse(try Self.examplePolicy)
        #expect(policy.version == "2026-11-24.1")
        #expect(
            policy.rules.map(\.name) == [
                "abm-owner", "enterprise-hot", "dach-territory", "partner-deals", "us-west-chat", "product-specialists",
            ])
        #expect(Set(policy.orderedRules.flatMap { $0.chain.map(\.strategy) }) == Set(RoutingStrategy.allCases))
        let hot = policy.rules[1]
        #expect(
            hot.escalation
                == Rule.Escalation(afterMisses: 2, target: .init(pool: .team("managers"), strategy: .roundRobin)))
        #expect(hot.skills == [.init(fromField: .industry, minLevel: 3)])
        #expect(hot.matchLanguage && hot.slaSeconds == 60 && hot.priority == 50)
        #expect(
            hot.condition
                == .all([
                    .range(.employees, min: 1000, max: nil), .contains(.intent, "pricing_page"),
                    .isIn(.country, ["US", "CA", "GB", "DE"]),
                ]))
        #expect(
            policy.rules[3].condition
                == .all([
                    .equals(.source, "partner"), .range(.dealSize, min: 50_000, max: 5_000_000),
                    .not(.isIn(.custom("segment"), ["student", "nonprofit"])),
                ]))
        #expect(policy.rules[0].target.pool.accountOwner)
        #expect(policy.rules[2].target.pool == Pool(teams: ["emea"], territory: true))
        #expect(policy.defaultRule.target == .init(pool: .team("inbound"), strategy: .roundRobin))
    }

    @Test func errorsNameTheLineAndTheField() throws {
        let text = """
            version: v1
            rules:
              - name: typo
                when: { field: contry, equals: DE }
                pool: { teams: [a] }
              - name: bad-strategy
                pool: { teams: [a] }
                strategy: random
              - name: bad-sla
                pool: { teams: [a] }
                sla: soon
            default:
              pool: {}
            """
        let error = try #require(throws: PolicyLoadError.self) { try PolicyParser.parse(text) }
        let messages = error.problems.map(\.description)
        #expect(messages.contains { $0.hasPrefix("line 4: rules[0] (typo).when.field: unknown field 'contry'") })
        #expect(
            messages.contains { $0.hasPrefix("line 8: rules[1] (bad-strategy).strategy: unknown strategy 'random'") })
        #expect(messages.contains { $0.hasPrefix("line 11: rules[2] (bad-sla).sla: expected a number, got 'soon'") })
    }

    @Test func structuralErrorsAreReported() throws {
        let text = """
            version: v1
            rules:
              - name: dup
                pool: {}
                sla: 0
              - name: dup
                when: { field: score, range: {} }
                pool: {}
                skills: [{ skill: x, min: 9 }]
            """
        let error = try #require(throws: PolicyLoadError.self) { try PolicyParser.parse(text) }
        #expect(error.problems.contains { $0.path == "default" && $0.message.contains("default rule") })
        let full = text + "\ndefault:\n  pool: {}\n"
        let second = try #require(throws: PolicyLoadError.self) { try PolicyParser.parse(full) }
        let paths = second.problems.map(\.path)
        #expect(paths.contains("rules[0] (dup).sla"))
        #expect(paths.contains("rules[1] (dup).name"))
        #expect(paths.contains("rules[1] (dup).when.range"))
        #expect(paths.contains("rules[1] (dup).skills[0].min"))
    }

    @Test func unknownKeysAndMissingPoolsAreErrors() throws {
        let text = """
            version: v1
            rules:
              - name: r
                when: { field: source, equals: web }
                pools: { teams: [a] }
            default:
              pool: {}
            """
        let error = try #require(throws: PolicyLoadError.self) { try PolicyParser.parse(text) }
        #expect(error.problems.contains { $0.line == 5 && $0.message.contains("unknown key 'pools'") })
        #expect(error.problems.contains { $0.path == "rules[0] (r).pool" })
    }

    @Test func applyingAnInvalidPolicyIsRefusedAndChangesNothing() throws {
        let engine = try Fixtures.engine(reps: [Rep(id: "a")])
        let before = engine.state
        let bad = Policy(
            version: "", rules: [], defaultRule: Rule(name: "default", target: .init(pool: Pool()), slaSeconds: -1))
        let error = try #require(throws: RoutingError.self) { try engine.applyPolicy(bad) }
        #expect(error.code == .invalidArgument)
        #expect(error.message.contains("default.sla"))
        #expect(engine.state == before)
    }

    @Test func lintFindsOverRouting() throws {
        let rules = [
            Rule(name: "ghost-team", condition: .equals(.source, "web"), target: .init(pool: .team("nobody"))),
            Rule(name: "broad", condition: .isIn(.country, ["DE", "AT"]), target: .init(pool: .team("t"))),
            Rule(
                name: "narrow", condition: .all([.equals(.country, "DE"), .exists(.score)]),
                target: .init(pool: .team("t"))),
            Rule(name: "impossible", condition: .range(.score, min: 10, max: 1), target: .init(pool: .team("t"))),
            Rule(
                name: "contradiction", condition: .all([.equals(.source, "a"), .equals(.source, "b")]),
                target: .init(pool: .team("t"))),
            Rule(name: "catch-all", condition: .always, target: .init(pool: .team("t"))),
            Rule(name: "after-catch-all", condition: .equals(.source, "chat"), target: .init(pool: .team("t"))),
        ]
        let engine = try Fixtures.engine(reps: Fixtures.team("t", ["a"]))
        let warnings = try engine.applyPolicy(Fixtures.policy(rules, default: .init(pool: .team("t"))))
        let byPath = Dictionary(grouping: warnings, by: \.path)
        #expect(byPath["rules[0] (ghost-team).pool"]?.first?.message.contains("no rep is in team nobody") == true)
        #expect(byPath["rules[2] (narrow)"]?.first?.message.contains("shadowed by earlier rule 'broad'") == true)
        #expect(byPath["rules[3] (impossible).when"]?.first?.message.contains("can never match") == true)
        #expect(byPath["rules[4] (contradiction).when"]?.first?.message.contains("exclude each other") == true)
        #expect(byPath["rules[6] (after-catch-all)"]?.first?.message.contains("'catch-all'") == true)
        #expect(warnings.allSatisfy { $0.severity == .warning })
        #expect(byPath["rules[1] (broad)"] == nil)
    }
}
