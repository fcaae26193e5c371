import Testing

@testable import LeadRouterCore

@Suite("Conditions")
struct ConditionTests {
    static let lead = Fixtures.lead("c1") {
        $0.source = "web"
        $0.country = "de"
        $0.postalCode = "80331"
        $0.employees = 1200
        $0.dealSize = 25_000
        $0.intents = ["pricing_page", "whitepaper"]
        $0.industry = "fintech"
        $0.custom = ["segment": "smb"]
    }

    static let cases: [(String, Condition, Bool)] = [
        ("equals", .equals(.source, "web"), true),
        ("equals other", .equals(.source, "chat"), false),
        ("equals country normalised", .equals(.country, "DE"), true),
        ("in", .isIn(.industry, ["fintech", "retail"]), true),
        ("in miss", .isIn(.industry, ["retail"]), false),
        ("not in", .notIn(.custom("segment"), ["student"]), true),
        ("not in hit", .notIn(.custom("segment"), ["smb"]), false),
        ("not in missing field", .notIn(.product, ["x"]), true),
        ("range inside", .range(.employees, min: 1000, max: 5000), true),
        ("range open max", .range(.dealSize, min: 10_000, max: nil), true),
        ("range below", .range(.employees, min: 5000, max: nil), false),
        ("range missing field", .range(.score, min: 0, max: nil), false),
        ("prefix", .prefix(.postalCode, "80"), true),
        ("prefix miss", .prefix(.postalCode, "10"), false),
        ("exists", .exists(.industry), true),
        ("exists missing", .exists(.accountID), false),
        ("contains intent", .contains(.intent, "pricing_page"), true),
        ("contains intent miss", .contains(.intent, "demo"), false),
        ("contains substring", .contains(.industry, "tech"), true),
        ("all", .all([.equals(.source, "web"), .prefix(.postalCode, "8")]), true),
        ("all one false", .all([.equals(.source, "web"), .prefix(.postalCode, "1")]), false),
        ("any", .any([.equals(.source, "chat"), .exists(.industry)]), true),
        ("any none", .any([.equals(.source, "chat"), .exists(.accountID)]), false),
        ("not", .not(.equals(.source, "chat")), true),
        ("always", .always, true),
        ("custom equals", .equals(.custom("segment"), "smb"), true),
        ("numeric equals", .equals(.employees, "1200"), true),
    ]

    @Test(arguments: cases.indices)
    func operatorMatches(_ index: Int) throws {
        let (name, condition, expected) = Self.cases[index]
        let rule = Rule(name: "r", condition: condition, target: .init(pool: Pool(reps: ["hit"])))
        let engine = try Fixtures.engine(
            policy: Fixtures.policy([rule], default: .init(pool: Pool(reps: ["miss"]))),
            reps: [Rep(id: "hit"), Rep(id: "miss")])
        let result = try engine.dryRun(Self.lead)
        #expect(result.explanation.rule == (expected ? "r" : "default"), "\(name)")
    }

    @Test func firstMatchingRuleWinsAndEarlierMissesAreExplained() throws {
        let rules = [
            Rule(name: "chat", condition: .equals(.source, "chat"), target: .init(pool: Pool(reps: ["a"]))),
            Rule(name: "germany", condition: .equals(.country, "DE"), target: .init(pool: Pool(reps: ["b"]))),
            Rule(
                name: "big", condition: .range(.employees, min: 1000, max: nil), target: .init(pool: Pool(reps: ["a"]))),
        ]
        let engine = try Fixtures.engine(policy: Fixtures.policy(rules), reps: [Rep(id: "a"), Rep(id: "b")])
        let result = try engine.route(Self.lead)
        #expect(result.explanation.rule == "germany")
        #expect(result.explanation.rulesNotMatched == ["chat"])
        #expect(result.assignment.rep == "b")
    }

    @Test func indexedRulesMatchLikeALinearScan() throws {
        // Many indexed rules plus unindexed ones interleaved: the index must keep policy order.
        var rules: [Rule] = []
        for index in 0..<200 {
            let condition: Condition =
                index % 7 == 0
                ? .range(.score, min: Double(index), max: nil)
                : .all([.equals(.country, "C\(index % 20)"), .isIn(.source, ["s\(index % 3)", "any"])])
            rules.append(Rule(name: "r\(index)", condition: condition, target: .init(pool: Pool())))
        }
        let engine = try Fixtures.engine(policy: Fixtures.policy(rules), reps: [Rep(id: "x")])
        for sample in 0..<300 {
            let lead = Fixtures.lead("l\(sample)") {
                $0.country = "C\(sample % 23)"
                $0.source = sample % 5 == 0 ? "any" : "s\(sample % 4)"
                $0.score = Double(sample % 250)
            }
            let linear = rules.first { $0.condition.matches(lead) }?.name ?? "default"
            #expect(try engine.dryRun(lead).explanation.rule == linear)
        }
    }

    /// Literal lookups take a byte-hashed table for ASCII text and the string dictionary otherwise:
    /// either way a value matches exactly the literals it equals as a string, among hundreds.
    @Test func literalsMatchWhatTheyEqualAsTextAmongHundreds() {
        // The Kelvin sign equals "K" as a string, and the Greek question mark equals ";".
        let sources =
            (0..<300).map { "source-\($0)" } + ["Caf\u{E9}", "stra\u{DF}e", "\u{1F600}", "\u{212A}", ";"]
        let rule = Rule(name: "listed", condition: .isIn(.source, sources), target: .init(pool: Pool()))
        let compiled = CompiledPolicy(Fixtures.policy([rule]))
        let values = [
            "source-0", "source-299", "source-300", "Source-1", "source-1 ", "", "Caf\u{E9}", "Cafe\u{301}",
            "Cafe", "stra\u{DF}e", "\u{1F600}", "\u{1F601}", "K", "\u{212A}", "k", ";", "\u{037E}",
        ]
        for value in values {
            let lead = Fixtures.lead("l") { $0.source = value }
            let matched = compiled.match(lead, exhaustive: false).rule.rule.name == "listed"
            #expect(matched == sources.contains(value), "source \(value.debugDescription)")
            #expect(matched == rule.condition.matches(lead), "source \(value.debugDescription)")
        }
    }

    @Test func compiledConditionsAgreeWithTheirDefinitionOnRandomLeads() {
        // Random trees over every operator and field kind (text, country, number, list, custom), with
        // values drawn from small pools so that hits, misses and absent fields all occur.
        var random = SeededGenerator(seed: 0x5EED_C0DE)
        // "Café" twice: composed and decomposed, equal as strings though not as bytes.
        let texts = ["a", "b", "ab", "10", "1200", "DE", "de", "Caf\u{E9}", "Cafe\u{301}"]
        let fields: [LeadField] = [
            .source, .country, .employees, .score, .intent, .custom("k"), .postalCode, .region, .state, .industry,
            .product, .language, .accountID,
        ]
        func condition(depth: Int) -> Condition {
            let field = fields.randomElement(using: &random)!
            let text = texts.randomElement(using: &random)!
            let bound = [nil, 10, 1200, 5000].randomElement(using: &random)!.map(Double.init)
            switch Int.random(in: 0..<(depth < 3 ? 11 : 8), using: &random) {
            case 0: return .always
            case 1: return .equals(field, text)
            case 2:
                return .isIn(field, Array(texts.shuffled(using: &random).prefix(Int.random(in: 0...3, using: &random))))
            case 3:
                return .notIn(
                    field, Array(texts.shuffled(using: &random).prefix(Int.random(in: 0...3, using: &random))))
            case 4: return .range(field, min: bound, max: [nil, 100, 2000].randomElement(using: &random)!)
            case 5: return .prefix(field, String(text.prefix(1)))
            case 6: return .exists(field)
            case 7: return .contains(field, text)
            case 8: return .all((0..<Int.random(in: 0...3, using: &random)).map { _ in condition(depth: depth + 1) })
            case 9: return .any((0..<Int.random(in: 0...3, using: &random)).map { _ in condition(depth: depth + 1) })
            default: return .not(condition(depth: depth + 1))
            }
        }
        let rules = (0..<150).map { Rule(name: "r\($0)", condition: condition(depth: 0), target: .init(pool: Pool())) }
        let compiled = CompiledPolicy(Fixtures.policy(rules))
        // Each condition alone too: in the whole policy, later rules are rarely reached.
        let alone = rules.map { CompiledPolicy(Fixtures.policy([$0])) }
        for sample in 0..<1000 {
            let lead = Fixtures.lead("l\(sample)") { lead in
                lead.source = texts.randomElement(using: &random)
                lead.country = [nil, "de", "DE", "a"].randomElement(using: &random)!
                lead.employees = [nil, 10, 1200, 99_999].randomElement(using: &random)!
                lead.score = [nil, 5, 1500].randomElement(using: &random)!
                lead.postalCode = [nil, "10", "ab"].randomElement(using: &random)!
                // Every other text field, each from the same small pool so that one field's value
                // read in place of another's would change the outcome.
                lead.region = [nil, "a", "b"].randomElement(using: &random)!
                lead.state = [nil, "a", "b"].randomElement(using: &random)!
                lead.industry = [nil, "a", "b"].randomElement(using: &random)!
                lead.product = [nil, "a", "b"].randomElement(using: &random)!
                lead.language = [nil, "a", "b"].randomElement(using: &random)!
                lead.accountID = [nil, "a", "b"].randomElement(using: &random)!
                lead.intents = Array(texts.shuffled(using: &random).prefix(Int.random(in: 0...2, using: &random)))
                if Bool.random(using: &random) { lead.custom = ["k": texts.randomElement(using: &random)!] }
            }
            let firstMatch = rules.firstIndex { $0.condition.matches(lead) }
            let expectedRule = firstMatch.map { rules[$0].name } ?? "default"
            let expectedMisses = rules[..<(firstMatch ?? rules.count)].map(\.name)
            let indexed = compiled.match(lead, exhaustive: false)
            #expect(indexed.rule.rule.name == expectedRule, "lead \(sample)")
            let exhaustive = compiled.match(lead, exhaustive: true)
            #expect(exhaustive.rule.rule.name == expectedRule, "lead \(sample)")
            #expect(Array(exhaustive.notMatched) == expectedMisses, "lead \(sample)")
            for (rule, policy) in zip(rules, alone) {
                let matched = policy.match(lead, exhaustive: false).rule.rule.name == rule.name
                #expect(matched == rule.condition.matches(lead), "lead \(sample), \(rule.condition)")
            }
        }
    }

    @Test func aRuleNamingAValueTwiceIsEvaluatedAndExplainedOnce() throws {
        let rules = [
            Rule(
                name: "web-us",
                condition: .all([
                    .isIn(.source, ["web", "web"]), .equals(.country, "US"), .range(.employees, min: 100, max: nil),
                ]),
                target: .init(pool: Pool(reps: ["a"])))
        ]
        let lead = Fixtures.lead("twice") {
            $0.source = "web"
            $0.country = "US"
            $0.employees = 10
        }
        // Through the index (not exhaustive), where the rule accepts "web" twice; only its employee
        // range rules it out.
        let (rule, notMatched) = CompiledPolicy(Fixtures.policy(rules)).match(lead, exhaustive: false)
        #expect(rule.rule.name == "default")
        #expect(notMatched == ["web-us"])
    }

    @Test func theIndexTriesOnlyRulesAcceptingEveryRequiredValue() throws {
        func rule(_ name: String, _ country: String, _ source: String, minEmployees: Double? = nil) -> Rule {
            Rule(
                name: name,
                condition: .all(
                    [.equals(.country, country), .isIn(.source, [source, "partner"])]
                        + (minEmployees.map { [.range(.employees, min: $0, max: nil)] } ?? [])),
                target: .init(pool: Pool(reps: ["a"])))
        }
        let policy = CompiledPolicy(
            Fixtures.policy([
                rule("us-web", "US", "web"), rule("de-ads", "DE", "ads"),
                rule("us-ads-big", "US", "ads", minEmployees: 100),
                Rule(name: "anyone", condition: .range(.employees, min: 5000, max: nil), target: .init(pool: Pool())),
                rule("us-ads", "US", "ads"),
            ]))
        let small = Fixtures.lead("small") {
            $0.country = "US"
            $0.source = "ads"
            $0.employees = 10
        }
        let (matched, tried) = policy.match(small, exhaustive: false)
        #expect(matched.rule.name == "us-ads")
        #expect(tried == ["us-ads-big", "anyone"])
        // A value no rule names, and an absent one, leave only the rules that do not require the field.
        let elsewhere = Fixtures.lead("elsewhere") { $0.country = "FR" }
        #expect(policy.match(elsewhere, exhaustive: false).notMatched == ["anyone"])
        #expect(policy.match(elsewhere, exhaustive: true).notMatched.count == 5)
        // A value two rules accept through `in`.
        let partner = Fixtures.lead("partner") {
            $0.country = "DE"
            $0.source = "partner"
        }
        #expect(policy.match(partner, exhaustive: false).rule.rule.name == "de-ads")

        // Rows longer than one 64-bit word: the rules on either side of each word boundary.
        let wide = CompiledPolicy(
            Fixtures.policy(
                (0..<200).map {
                    Rule(name: "c\($0)", condition: .equals(.country, "C\($0)"), target: .init(pool: Pool()))
                }
            ))
        for number in [0, 63, 64, 127, 128, 170, 199] {
            let lead = Fixtures.lead("c\(number)") { $0.country = "C\(number)" }
            let (rule, tried) = wide.match(lead, exhaustive: false)
            #expect(rule.rule.name == "c\(number)" && tried.isEmpty)
            #expect(wide.match(lead, exhaustive: true).notMatched.count == number)
        }
    }

    @Test func aRuleReachedThroughTwoIntentsIsEvaluatedAndExplainedOnce() throws {
        let rules = [
            Rule(
                name: "hot-us", condition: .all([.isIn(.intent, ["pricing", "demo"]), .equals(.country, "US")]),
                target: .init(pool: Pool(reps: ["a"]))),
            Rule(name: "demo", condition: .contains(.intent, "demo"), target: .init(pool: Pool(reps: ["a"]))),
        ]
        let engine = try Fixtures.engine(policy: Fixtures.policy(rules), reps: [Rep(id: "a")])
        let lead = Fixtures.lead("two-intents") {
            $0.country = "DE"
            $0.intents = ["pricing", "demo"]
        }
        let explanation = try engine.dryRun(lead).explanation
        #expect(explanation.rule == "demo")
        #expect(explanation.rulesNotMatched == ["hot-us"])
    }
}
