import LeadRouterClient
import LeadRouterWire

enum WireFixtures {
    static func rep(_ id: String, team: String = "inbound", capacity: Int32 = 100) -> Leadrouter_V1_Rep {
        var rep = Leadrouter_V1_Rep()
        rep.id = id
        rep.teams = [team]
        rep.capacity = capacity
        return rep
    }

    static func lead(_ id: String, source: String = "web", country: String = "DE") -> Leadrouter_V1_Lead {
        var lead = Leadrouter_V1_Lead()
        lead.id = id
        lead.source = source
        lead.country = country
        return lead
    }

    /// Loads reps into team `inbound`, marks them available, and applies a round-robin policy.
    static func seed(_ client: LeadRouterClient, reps: [String], capacity: Int32 = 100) async throws {
        try await client.upsertReps(reps.map { rep($0, capacity: capacity) })
        for id in reps { _ = try await client.setAvailability(id, .available) }
        try await client.applyPolicy(
            """
            version: it-1
            rules:
              - name: chat
                when: { field: source, equals: chat }
                pool: { teams: [inbound] }
                strategy: least_loaded
                sla: 30
            default:
              pool: { teams: [inbound] }
              strategy: round_robin
              sla: 300
            """)
    }
}
