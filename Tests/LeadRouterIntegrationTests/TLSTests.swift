import Foundation
import LeadRouterClient
import LeadRouterServer
import LeadRouterTesting
import LeadRouterWire
import Testing

/// TLS on the client port, and mutual TLS, with the test certificates in Tests/Fixtures/tls.
@Suite("TLS")
struct TLSTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/tls").standardizedFileURL.path

    static func file(_ name: String) -> String { "\(fixtures)/\(name)" }

    static let serverTLS = ServerTLS(certificateChain: file("server.pem"), privateKey: file("server.key"))

    static func connect(_ server: TestServer, _ tls: ClientTLS?) async throws -> LeadRouterClient {
        try await LeadRouterClient.connect(
            .init(host: server.host, port: server.port, connectTimeout: .seconds(5), tls: tls))
    }

    @Test func clientsThatTrustTheServersCAAreServedAndOthersRefused() async throws {
        try await TestServer.with(configure: { $0.tls = Self.serverTLS }) { server in
            let client = try await Self.connect(server, ClientTLS(trustRoots: Self.file("ca.pem")))
            try await WireFixtures.seed(client, reps: ["ada"])
            #expect(try await client.route(WireFixtures.lead("lead-1")).assignment.rep == "ada")
            await client.close()

            let plain = await #expect(throws: RPCError.self) { try await Self.connect(server, nil) }
            #expect(plain?.code == .failedPrecondition && plain?.message.contains("speaks TLS") == true)
            let misled = await #expect(throws: RPCError.self) {
                try await Self.connect(server, ClientTLS(trustRoots: Self.file("other-ca.pem")))
            }
            #expect(misled?.message.contains("TLS with the server failed") == true, "\(misled.map { "\($0)" } ?? "")")
            let other = try await Self.connect(
                server, ClientTLS(trustRoots: Self.file("ca.pem"), serverName: "localhost"))
            #expect(try await other.health().status == "SERVING", "one bad client does not hurt the others")
            await other.close()
        }
    }

    @Test func mutualTLSServesOnlyClientsWithACertificateFromItsCA() async throws {
        var tls = Self.serverTLS
        tls.clientCA = Self.file("ca.pem")
        try await TestServer.with(configure: { $0.tls = tls }) { server in
            let trusted = ClientTLS(
                trustRoots: Self.file("ca.pem"), certificateChain: Self.file("client.pem"),
                privateKey: Self.file("client.key"))
            let client = try await Self.connect(server, trusted)
            #expect(try await client.health().status == "SERVING")
            await client.close()
            for stranger in [
                ClientTLS(trustRoots: Self.file("ca.pem")),
                ClientTLS(
                    trustRoots: Self.file("ca.pem"), certificateChain: Self.file("stranger.pem"),
                    privateKey: Self.file("stranger.key")),
            ] {
                // TLS 1.3 ends the handshake before the server has checked the client: a refusal may
                // arrive as the handshake's failure or as the connection closed under the HELLO.
                let refused = await #expect(throws: RPCError.self) {
                    let client = try await Self.connect(server, stranger)
                    _ = try await client.health()
                }
                #expect(refused?.code == .unavailable)
            }
        }
    }

    /// The real executable with `tls:` in its config file, and leadctl with `--tls-ca`.
    @Test func leadctlConnectsWithTheCAItIsGiven() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path), "build leadrouter first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "tls:\n  certificate: \(Self.file("server.pem"))\n  key: \(Self.file("server.key"))\n".write(
            toFile: folder + "/config.yaml", atomically: true, encoding: .utf8)
        let server = try await ServerProcess.start(data: folder + "/data", config: folder + "/config.yaml")
        let secured = try await CLITests.leadctl(["--tls-ca", Self.file("ca.pem"), "health"], port: server.port)
        #expect(secured.status == 0 && secured.out.hasPrefix("SERVING"), "\(secured)")
        let untrusted = try await CLITests.leadctl(["health", "--tls"], port: server.port)
        #expect(untrusted.status != 0 && untrusted.err.contains("TLS") && untrusted.err.contains("--tls-ca"))
        await server.stop()
    }
}
