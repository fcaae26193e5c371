import Foundation
import LeadRouterClient
import LeadRouterServer
import LeadRouterTesting
import LeadRouterWire
import Testing

/// Tokens with roles (route, dial, admin), checked per call, and the audit log of admin changes.
@Suite("Tokens, roles and the audit log")
struct AccessTests {
    static let routeToken = "route-0123456789abcdef"
    static let dialToken = "dial-0123456789abcdef"
    static let adminToken = "admin-0123456789abcdef"

    static func access() throws -> AccessControl {
        try AccessControl(tokens: [
            (routeToken, .init(name: "web-forms", roles: .route)),
            (dialToken, .init(name: "dialer", roles: .dial)),
            (adminToken, .init(name: "ops", roles: .admin)),
        ])
    }

    static func connect(_ server: TestServer, token: String) async throws -> LeadRouterClient {
        try await LeadRouterClient.connect(.init(host: server.host, port: server.port, token: token))
    }

    /// Each role's calls go through and the others are refused with PERMISSION_DENIED naming the role
    /// needed; a missing or unknown token is refused at HELLO; the audit log holds admin changes,
    /// refusals and failed HELLOs, and not routine calls.
    @Test func eachRoleMayMakeItsCallsAndNoOthersAndTheAuditLogSaysWhoDidWhat() async throws {
        let auditPath = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID()).log").path
        defer { try? FileManager.default.removeItem(atPath: auditPath) }
        let access = try Self.access()
        try await TestServer.with(configure: {
            $0.access = access
            $0.auditLogPath = auditPath
        }) { server in
            for token in ["", "not-a-token-we-know-of"] {
                let refusal = await #expect(throws: RPCError.self) { try await Self.connect(server, token: token) }
                #expect(refusal?.code == .unauthenticated)
            }
            let admin = try await Self.connect(server, token: Self.adminToken)
            try await WireFixtures.seed(admin, reps: ["ada", "bob"])

            let service = try await Self.connect(server, token: Self.routeToken)
            let routed = try await service.route(WireFixtures.lead("lead-1"))
            #expect(routed.created)
            #expect(try await service.getAssignment("lead-1").rep == routed.assignment.rep)
            #expect(try await service.health().status == "SERVING")
            let denied = await #expect(throws: RPCError.self) { try await service.applyPolicy("version: x") }
            #expect(denied?.code == .permissionDenied)
            #expect(denied?.message == "token 'web-forms' (roles: route) may not call ApplyPolicy; it needs admin")
            await #expect(throws: RPCError.self) { try await service.setAvailability("ada", .away) }
            var refusedStream = service.assignments(.init()).makeAsyncIterator()
            await #expect(throws: RPCError.self) { _ = try await refusedStream.next() }

            let dialer = try await Self.connect(server, token: Self.dialToken)
            var events = dialer.assignments(.init()).makeAsyncIterator()
            _ = try await dialer.accept("lead-1")
            let event = try #require(try await events.next())
            #expect(event.kind == "accepted" && event.leadID == "lead-1")
            _ = try await dialer.setAvailability("bob", .away)
            let dialerDenied = await #expect(throws: RPCError.self) {
                try await dialer.route(WireFixtures.lead("lead-2"))
            }
            #expect(dialerDenied?.message == "token 'dialer' (roles: dial) may not call Route; it needs admin or route")
            #expect(try await dialer.listReps().count == 2)
            await #expect(throws: RPCError.self) { try await dialer.stats() }
            _ = try await admin.route(WireFixtures.lead("lead-3"))
            _ = try await admin.stats()
            for client in [admin, service, dialer] { await client.close() }
        }

        let entries = try String(contentsOfFile: auditPath, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode([String: String].self, from: Data($0.utf8))
        }
        let summary = entries.map { "\($0["token"]!) \($0["method"]!) \($0["outcome"]!)" }
        #expect(
            summary == [
                "- HELLO UNAUTHENTICATED", "- HELLO UNAUTHENTICATED", "ops UpsertReps OK", "ops ApplyPolicy OK",
                "web-forms ApplyPolicy PERMISSION_DENIED", "web-forms SetAvailability PERMISSION_DENIED",
                "web-forms StreamAssignments PERMISSION_DENIED",
                "dialer Route PERMISSION_DENIED", "dialer GetStats PERMISSION_DENIED",
            ], "\(summary)")
        #expect(entries[2]["detail"] == "reps: ada, bob")
        #expect(entries[3]["detail"]?.hasPrefix("policy version it-1") == true)
        #expect(entries.allSatisfy { $0["client"] == "swift-client" && $0["peer"]?.hasPrefix("127.0.0.1:") == true })
        #expect(entries.allSatisfy { ($0["time"] ?? "").hasSuffix("Z") })
    }

    /// The real executable with `tokens:` in its config file, and leadctl with `--token`: refused
    /// without one (with a hint), served with one, and the audit log in the data folder.
    @Test func leadctlPassesItsTokenToAServerConfiguredWithTokens() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path), "build leadrouter first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
        tokens:
          - name: ops
            token: \(Self.adminToken)
            roles: [admin]
          - name: web-forms
            token: \(Self.routeToken)
            roles: route
        """.write(toFile: folder + "/config.yaml", atomically: true, encoding: .utf8)
        let server = try await ServerProcess.start(data: folder + "/data", config: folder + "/config.yaml")
        let reps = CLITests.examples + "/reps.json"
        let anonymous = try await CLITests.leadctl(["reps", "import", reps], port: server.port)
        #expect(anonymous.status != 0 && anonymous.err.contains("UNAUTHENTICATED") && anonymous.err.contains("--token"))
        let service = try await CLITests.leadctl(
            ["--token", Self.routeToken, "reps", "import", reps], port: server.port)
        #expect(service.status != 0 && service.err.contains("PERMISSION_DENIED") && service.err.contains("needs admin"))
        let admin = try await CLITests.leadctl(["reps", "import", reps, "--token", Self.adminToken], port: server.port)
        #expect(admin.status == 0 && admin.out.contains("upserted 6 reps"), "\(admin)")
        await server.stop()
        let audit = try String(contentsOfFile: folder + "/data/audit.log", encoding: .utf8)
        #expect(audit.contains(#""method":"UpsertReps","outcome":"OK","peer""#) && audit.contains(#""token":"ops""#))
        #expect(audit.contains(#""outcome":"PERMISSION_DENIED""#) && audit.contains(#""token":"web-forms""#))
    }

    /// A server with no tokens configured takes every call, token or not, as before tokens existed.
    @Test func aServerWithoutTokensTakesEveryCall() async throws {
        try await TestServer.with { server in
            let client = try await Self.connect(server, token: "anything-at-all-goes-here")
            try await WireFixtures.seed(client, reps: ["ada"])
            #expect(try await client.route(WireFixtures.lead("lead-1")).created)
            await client.close()
        }
    }

    @Test func weakOrAmbiguousTokensAreRefusedAtStart() throws {
        let cases: [([(token: String, grant: AccessControl.Grant)], String)] = [
            ([("short", .init(name: "a", roles: .route))], "token 'a' is shorter than 16 characters"),
            ([(Self.routeToken, .init(name: "a", roles: []))], "token 'a' has no roles"),
            (
                [
                    (Self.routeToken, .init(name: "a", roles: .route)),
                    (Self.routeToken, .init(name: "b", roles: .dial)),
                ],
                "token 'b' has the same secret as another token"
            ),
            (
                [(Self.routeToken, .init(name: "a", roles: .route)), (Self.dialToken, .init(name: "a", roles: .dial))],
                "token name 'a' is used twice"
            ),
        ]
        for (tokens, message) in cases {
            let error = #expect(throws: AccessError.self) { try AccessControl(tokens: tokens) }
            #expect(error?.description.hasPrefix(message) == true, "\(error.map { "\($0)" } ?? "")")
        }
    }
}
