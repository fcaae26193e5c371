import Foundation
import LeadRouterCore
import Testing

/// A lead keeps only the text fields it has (``Lead``'s storage); every field must still read back as
/// set, and leads with the same attributes must be equal however they were built.
@Suite("Leads")
struct LeadTests {
    /// Every text field set to a value no other field has, so a field read from another's slot shows.
    static let full = Lead(
        id: "full", createdAt: Timestamp(millis: 42), source: "s", country: "c", region: "r", state: "st",
        postalCode: "p", industry: "i", employees: 7, dealSize: 1.5, product: "pr", score: 0, language: "l",
        accountID: "a", email: "someone@example.com with a long tail", intents: ["x"], custom: ["k": "v"])

    @Test func everyFieldReadsBackAsGiven() {
        let lead = Self.full
        #expect(
            [lead.source, lead.country, lead.region, lead.state, lead.postalCode, lead.industry, lead.product]
                == ["s", "c", "r", "st", "p", "i", "pr"])
        #expect([lead.language, lead.accountID, lead.email] == ["l", "a", "someone@example.com with a long tail"])
        #expect(lead.id == "full" && lead.createdAt == Timestamp(millis: 42))
        #expect(lead.employees == 7 && lead.dealSize == 1.5 && lead.score == 0)
        #expect(lead.intents == ["x"] && lead.custom == ["k": "v"])

        let bare = Lead(id: "bare", createdAt: Timestamp(millis: 1))
        #expect([bare.source, bare.country, bare.region, bare.email] == [nil, nil, nil, nil])
        #expect(bare.employees == nil && bare.dealSize == nil && bare.score == nil)
    }

    @Test func settingAFieldChangesThatFieldOnlyAndLeavesCopiesAlone() {
        var random = SeededGenerator(seed: 11)
        var lead = Lead(id: "l", createdAt: Timestamp(millis: 1))
        // A plain dictionary of what was set, checked against the lead after every change.
        var expected: [String: String] = [:]
        let setters: [(String, (inout Lead, String?) -> Void)] = [
            ("source", { $0.source = $1 }), ("country", { $0.country = $1 }), ("region", { $0.region = $1 }),
            ("state", { $0.state = $1 }), ("postalCode", { $0.postalCode = $1 }),
            ("industry", { $0.industry = $1 }), ("product", { $0.product = $1 }),
            ("language", { $0.language = $1 }), ("accountID", { $0.accountID = $1 }), ("email", { $0.email = $1 }),
        ]
        func texts(_ lead: Lead) -> [String: String] {
            let values = [
                lead.source, lead.country, lead.region, lead.state, lead.postalCode, lead.industry, lead.product,
                lead.language, lead.accountID, lead.email,
            ]
            return Dictionary(
                uniqueKeysWithValues: zip(setters.map(\.0), values).compactMap { name, value in value.map { (name, $0) }
                })
        }
        for step in 0..<500 {
            let (name, set) = setters.randomElement(using: &random)!
            let value = Bool.random(using: &random) ? nil : "\(name)-\(step)"
            let before = lead
            let expectedBefore = expected
            set(&lead, value)
            expected[name] = value
            #expect(texts(lead) == expected, "step \(step)")
            #expect(texts(before) == expectedBefore, "step \(step): the copy changed too")
        }
    }

    @Test func equalAttributesMeanEqualLeadsAndHashes() {
        var rebuilt = Lead(id: "full", createdAt: Timestamp(millis: 42))
        rebuilt.email = "someone@example.com with a long tail"
        rebuilt.custom = ["k": "v"]
        rebuilt.intents = ["x"]
        rebuilt.score = 0
        for (field, value) in [
            (\Lead.language, "l"), (\.accountID, "a"), (\.product, "pr"), (\.industry, "i"), (\.postalCode, "p"),
            (\.state, "st"), (\.region, "r"), (\.country, "c"), (\.source, "s"),
        ] as [(WritableKeyPath<Lead, String?>, String)] {
            #expect(rebuilt != Self.full)
            rebuilt[keyPath: field] = value
        }
        #expect(rebuilt != Self.full)
        rebuilt.dealSize = 1.5
        rebuilt.employees = 7
        #expect(rebuilt == Self.full)
        #expect(rebuilt.hashValue == Self.full.hashValue)
        // Absent is not zero: a score of 0 differs from no score.
        rebuilt.score = nil
        #expect(rebuilt != Self.full)
    }

    @Test func codingKeepsTheAttributeNamesAndLeavesOutAbsentOnes() throws {
        let json = try JSONEncoder().encode(Lead(id: "j", createdAt: Timestamp(millis: 5), country: "DE", score: 3))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(Set(object.keys) == ["id", "createdAt", "country", "score", "intents", "custom"])
        #expect(try JSONDecoder().decode(Lead.self, from: JSONEncoder().encode(Self.full)) == Self.full)
    }
}
