import Foundation
import LeadRouterClient
import LeadRouterWire
import Testing

/// SIGHUP: new tokens and TLS files without a restart.
@Suite("Reload on SIGHUP")
struct ReloadTests {
    static let oldToken = "old-admin-0123456789abcdef"
    static let newToken = "new-admin-0123456789abcdef"

    static func config(token: String, certificate: String) -> String {
        """
        tokens:
          - {name: ops, token: \(token), roles: [admin]}
        tls:
          certificate: \(TLSTests.file(certificate + ".pem"))
          key: \(TLSTests.file(certificate + ".key"))

        """
    }

    static func connect(port: Int, token: String, ca: String) async throws -> LeadRouterClient {
        try await LeadRouterClient.connect(
            .init(host: "127.0.0.1", port: port, token: token, tls: ClientTLS(trustRoots: TLSTests.file(ca))))
    }

    /// A rotated certificate and token: new connections get both, the open connection whose token was
    /// revoked is ended with UNAUTHENTICATED, and a reload that cannot load its files changes nothing.
    @Test func aHangUpRotatesTheCertificateAndTheTokensAndEndsRevokedConnections() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path), "build leadrouter first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let configFile = folder + "/config.yaml"
        try Self.config(token: Self.oldToken, certificate: "server").write(
            toFile: configFile, atomically: true, encoding: .utf8)
        let server = try await ServerProcess.start(data: folder + "/data", config: configFile)
        let open = try await Self.connect(port: server.port, token: Self.oldToken, ca: "ca.pem")
        #expect(try await open.health().status == "SERVING")

        try Self.config(token: Self.newToken, certificate: "server-other").write(
            toFile: configFile, atomically: true, encoding: .utf8)
        kill(server.process.processIdentifier, SIGHUP)
        var rotated: LeadRouterClient?
        for _ in 0..<100 where rotated == nil {
            rotated = try? await Self.connect(port: server.port, token: Self.newToken, ca: "other-ca.pem")
            if rotated == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let client = try #require(rotated, "the new certificate and token are served")
        _ = try await client.upsertReps([WireFixtures.rep("ada")])
        let revoked = await #expect(throws: RPCError.self) { _ = try await open.health() }
        #expect(revoked?.code == .unauthenticated, "\(revoked.map { "\($0)" } ?? "")")
        let oldToken = await #expect(throws: RPCError.self) {
            try await Self.connect(port: server.port, token: Self.oldToken, ca: "other-ca.pem")
        }
        #expect(oldToken?.code == .unauthenticated)
        await #expect(throws: RPCError.self) {
            try await Self.connect(port: server.port, token: Self.newToken, ca: "ca.pem")
        }

        try "tls:\n  certificate: \(folder)/missing.pem\n  key: \(folder)/missing.key\n".write(
            toFile: configFile, atomically: true, encoding: .utf8)
        kill(server.process.processIdentifier, SIGHUP)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await client.health().status == "SERVING", "a reload that fails changes nothing")
        let again = try await Self.connect(port: server.port, token: Self.newToken, ca: "other-ca.pem")
        #expect(try await again.listReps().count == 1)
        for connection in [client, again, open] { await connection.close() }
        await server.stop()
        let audit = try String(contentsOfFile: folder + "/data/audit.log", encoding: .utf8)
        #expect(audit.contains("no longer accepted") && audit.contains(#""token":"ops""#))
    }
}
