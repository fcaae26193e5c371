import Foundation
import LeadRouterCore

/// The production-sized engine the benchmarks route against.
public struct Workload: Sendable {
    static let countries = (0..<50).map { "C\($0)" }
    static let sources = ["web", "chat", "ads", "signup", "bot", "pricing", "partner", "event", "referral", "outbound"]

    public let engine: RoutingEngine
    public let leads: [Lead]

    /// A fresh lead per iteration (distinct id, attributes cycling through a pre-built sample).
    public func lead(_ iteration: Int) -> Lead {
        var lead = leads[iteration % leads.count]
        lead.id = "lead-\(iteration)"
        return lead
    }

    public static func make(detailed: Bool, only strategy: RoutingStrategy? = nil) throws -> Workload {
        let engine = RoutingEngine(
            configuration: EngineConfiguration(detailedExplanations: detailed, historyCapacity: 1 << 12))
        let reps = (0..<10_000).map { index in
            Rep(
                id: "rep-\(index)", teams: ["team-\(index % 100)"], skills: ["industry-\(index % 20)": index % 5 + 1],
                territories: ["territory-\(index % 200)"], languages: index % 3 == 0 ? ["en", "de"] : ["en"],
                weight: Double(index % 3 + 1), performance: Double(index % 10) / 10, capacity: 10_000_000)
        }
        try engine.upsertReps(reps)
        try engine.setTerritories(
            (0..<200).map { index in
                Territory(
                    id: "territory-\(index)", countries: [countries[index % 50]], postalPrefixes: ["\(index / 50)"])
            })
        try engine.setAccountOwners(
            (0..<50_000).map { AccountOwner(accountID: "account-\($0)", rep: "rep-\($0 % 10_000)") })
        try engine.applyPolicy(policy(only: strategy))
        for rep in reps { try engine.setAvailability(rep.id, status: index(rep) % 10 == 0 ? .onCall : .available) }
        // Seeded, so every run routes the same leads: run-to-run differences are the engine's, and
        // instruction counts (callgrind) compare exactly.
        var random = SplitMix64(seed: 0x1ead_5eed)
        let leads = (0..<4096).map { index in
            Lead(
                id: "sample-\(index)", createdAt: Timestamp(Date()), source: sources.randomElement(using: &random),
                country: countries.randomElement(using: &random),
                postalCode: "\(Int.random(in: 0..<4, using: &random))1234",
                industry: "industry-\(index % 20)", employees: Int.random(in: 1...5000, using: &random),
                dealSize: Double.random(in: 1000...100_000, using: &random),
                score: Double.random(in: 0...100, using: &random),
                language: "en",
                accountID: index % 5 == 0 ? "account-\(Int.random(in: 0..<60_000, using: &random))" : nil)
        }
        return Workload(engine: engine, leads: leads)
    }

    private static func index(_ rep: Rep) -> Int { Int(rep.id.dropFirst(4))! }

    /// 500 rules: an account-owner rule, then country x source rules over team and territory pools
    /// with every strategy, skills on some, and a default.
    static func policy(only strategy: RoutingStrategy?) -> Policy {
        var rules: [Rule] = [
            Rule(
                name: "abm", condition: .exists(.accountID), target: .init(pool: Pool(accountOwner: true)),
                fallbacks: [.init(pool: .team("team-0"), strategy: strategy ?? .leastLoaded)])
        ]
        for index in 1..<500 {
            let condition: Condition = .all([
                .equals(.country, countries[index % 50]),
                .isIn(.source, [sources[index % 10], sources[(index + 3) % 10]]),
                .range(.employees, min: Double(index % 7) * 100, max: nil),
            ])
            let chosen = strategy ?? RoutingStrategy.allCases[index % RoutingStrategy.allCases.count]
            let pool = index % 4 == 0 ? Pool(territory: true) : Pool.team("team-\(index % 100)")
            let skills: [Rule.SkillRequirement] = index % 5 == 0 ? [.init(fromField: .industry, minLevel: 2)] : []
            rules.append(
                Rule(
                    name: "rule-\(index)", condition: condition, target: .init(pool: pool, strategy: chosen),
                    fallbacks: [.init(pool: .team("team-\((index + 1) % 100)"), strategy: chosen)], skills: skills))
        }
        return Policy(
            version: "bench", rules: rules,
            defaultRule: Rule(name: "default", target: .init(pool: .team("team-99"), strategy: strategy ?? .roundRobin))
        )
    }
}

/// A small seeded generator (SplitMix64): the standard library's generator cannot be seeded.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
