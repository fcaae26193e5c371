import Foundation
import LeadRouterClient
import Testing

/// `leadrouter serve --memory`: a working server that writes nothing and remembers nothing.
@Suite("in-memory mode")
struct MemoryModeTests {
    @Test func routesWithoutTouchingDiskAndForgetsOnRestart() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path), "build leadrouter first")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("memory-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        var server = try ServerProcess.start(data: data, arguments: ["--memory"])
        var client = try await LeadRouterClient.connect(host: "127.0.0.1", port: server.port)
        try await client.upsertReps([WireFixtures.rep("ada", capacity: 5)])
        _ = try await client.setAvailability("ada", .available)
        let reply = try await client.route(WireFixtures.lead("lead-1", source: "web"))
        #expect(reply.assignment.rep == "ada" && reply.created)
        await client.close()
        server.stop()
        #expect(!FileManager.default.fileExists(atPath: data), "memory mode creates no data folder")

        server = try ServerProcess.start(data: data, arguments: ["--memory"])
        client = try await LeadRouterClient.connect(host: "127.0.0.1", port: server.port)
        let stats = try await client.stats()
        #expect(stats.lastSeq == 0 && stats.totalAssignments == 0 && stats.reps.isEmpty, "nothing survives a restart")
        await client.close()
        server.stop()
    }
}
