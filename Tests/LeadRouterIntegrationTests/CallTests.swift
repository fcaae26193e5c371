import LeadRouterClient
import LeadRouterTesting
import LeadRouterWire
import Testing

@Suite("Calls over the wire")
struct CallTests {
    @Test func everyUnaryCallWorksThroughTheClient() async throws {
        try await TestServer.with { server in
            let client = try await server.client()
            try await WireFixtures.seed(client, reps: ["ana", "bo"])
            let health = try await client.health()
            #expect(health.status == "SERVING")
            #expect(health.reps == 2)
            #expect(health.policyVersion == "it-1")

            let routed = try await client.route(WireFixtures.lead("L1"), explain: true)
            #expect(routed.created)
            #expect(routed.assignment.rep == "ana")
            #expect(routed.assignment.state == "offered")
            #expect(routed.assignment.explanation.rule == "default")
            #expect(routed.assignment.explanation.stages.first?.candidates.count == 2)
            let again = try await client.route(WireFixtures.lead("L1"))
            #expect(!again.created && again.assignment.rep == "ana")

            let accepted = try await client.accept("L1", rep: "ana")
            #expect(accepted.state == "accepted")
            let moved = try await client.reassign("L1", reason: "customer asked for bo")
            #expect(moved.assignment.rep == "bo")
            let done = try await client.complete("L1", outcome: "won")
            #expect(done.state == "completed" && done.outcome == "won")

            let away = try await client.setAvailability("ana", .away)
            #expect(away.rep.status == .away)
            let reps = try await client.listReps()
            #expect(reps.map(\.rep.id) == ["ana", "bo"])

            var territory = Leadrouter_V1_Territory()
            territory.id = "dach"
            territory.countries = ["DE", "AT", "CH"]
            #expect(try await client.setTerritories([territory]).changed == 1)
            var owner = Leadrouter_V1_AccountOwner()
            owner.accountID = "acme"
            owner.rep = "bo"
            #expect(try await client.setAccountOwners([owner]).changed == 1)

            let policy = try await client.getPolicy()
            #expect(policy.version == "it-1" && policy.yaml.contains("least_loaded"))
            let validation = try await client.validatePolicy("version: x\ndefault:\n  pool: { teams: [nobody] }\n")
            #expect(validation.problems.contains { $0.severity == "warning" && $0.message.contains("nobody") })
            let dry = try await client.dryRun(WireFixtures.lead("D1", source: "chat"))
            #expect(dry.rule == "chat" && dry.chosen == "bo")

            let fetched = try await client.getAssignment("L1")
            #expect(fetched.explanation.chosen == "bo")
            for index in 0..<5 { _ = try await client.route(WireFixtures.lead("P\(index)")) }
            var page = Leadrouter_V1_ListAssignmentsRequest()
            page.pageSize = 4
            let first = try await client.listAssignments(page)
            #expect(first.assignments.count == 4 && !first.nextPageToken.isEmpty)
            page.pageToken = first.nextPageToken
            let second = try await client.listAssignments(page)
            #expect(second.assignments.count == 2 && second.nextPageToken.isEmpty)
            var byRep = Leadrouter_V1_ListAssignmentsRequest()
            byRep.state = "completed"
            #expect(try await client.listAssignments(byRep).assignments.map(\.lead.id) == ["L1"])

            let stats = try await client.stats()
            #expect(stats.totalAssignments == 6)
            #expect(stats.openAssignments == 5)
            #expect(stats.reps.first { $0.rep == "bo" }?.received ?? 0 >= 5)
            await client.close()
        }
    }

    @Test func errorsCarryCanonicalCodesAndChangeNothing() async throws {
        try await TestServer.with { server in
            let client = try await server.client()
            try await WireFixtures.seed(client, reps: ["ana"])
            let before = server.engine.state.lastSeq
            await #expect(throws: RPCError(.notFound, "rep 'ghost' does not exist; load it with an upsert first")) {
                _ = try await client.setAvailability("ghost", .available)
            }
            let missingLead = await #expect(throws: RPCError.self) { _ = try await client.route(Leadrouter_V1_Lead()) }
            #expect(missingLead?.code == .invalidArgument)
            let noStatus = await #expect(throws: RPCError.self) {
                _ = try await client.setAvailability("ana", .unspecified)
            }
            #expect(noStatus?.code == .invalidArgument)
            let badPolicy = await #expect(throws: RPCError.self) {
                try await client.applyPolicy("version: v\nrules: nope\n")
            }
            #expect(badPolicy?.code == .invalidArgument)
            #expect(badPolicy?.message.contains("line 2: rules: expected a list") == true)
            let unknown = await #expect(throws: RPCError.self) {
                _ = try await client.call("Teleport", Leadrouter_V1_HealthRequest(), as: Leadrouter_V1_HealthReply.self)
            }
            #expect(unknown?.code == .unimplemented)
            let garbage = await #expect(throws: RPCError.self) {
                var bytes = Leadrouter_V1_PolicyText()
                bytes.yaml = String(repeating: "\u{FFFF}", count: 3)
                _ = try await client.call("Route", bytes, as: Leadrouter_V1_RouteReply.self)
            }
            #expect(garbage?.code == .invalidArgument)
            #expect(server.engine.state.lastSeq == before)
            #expect(try await client.health().status == "SERVING")
        }
    }
}
