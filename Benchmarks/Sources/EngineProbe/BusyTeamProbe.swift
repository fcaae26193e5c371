import Foundation
import LeadRouterCore

/// `EngineProbe busy [waiting]`: one team of 100 all on calls with `waiting` leads queued for it,
/// while nine other teams route, accept and complete: what a queue nobody free can take costs
/// every completion elsewhere (each frees a rep, whose dispatch looks at the queue).
func busyTeamProbe(waiting: Int) throws {
    let engine = RoutingEngine(
        configuration: EngineConfiguration(detailedExplanations: false, historyCapacity: 1 << 12))
    let reps = (0..<1000).map { Rep(id: "rep-\($0)", teams: ["team-\($0 / 100)"], capacity: 1) }
    try engine.upsertReps(reps)
    let policy = try PolicyParser.parse(
        """
        version: busy
        rules:
          - name: specialists
            when: {field: source, equals: specialist}
            pool: {teams: [team-0]}
        default:
          pool: {teams: [team-1, team-2, team-3, team-4, team-5, team-6, team-7, team-8, team-9]}
          strategy: round_robin
        """)
    try engine.applyPolicy(policy)
    for rep in reps { try engine.setAvailability(rep.id, status: rep.teams == ["team-0"] ? .onCall : .available) }
    for index in 0..<waiting {
        try engine.route(Lead(id: "specialist-\(index)", createdAt: engine.clock.now(), source: "specialist"))
    }
    let rounds = 20_000
    let start = Date()
    for index in 0..<rounds {
        let lead = "general-\(index)"
        try engine.route(Lead(id: lead, createdAt: engine.clock.now(), source: "web"))
        try engine.accept(lead)
        try engine.complete(lead, outcome: "done")
    }
    let elapsed = Date().timeIntervalSince(start)
    print(
        String(
            format: "%d leads waiting for a busy team: %.1f µs per route + accept + complete elsewhere",
            engine.state.queue.count, elapsed / Double(rounds) * 1e6))
}
