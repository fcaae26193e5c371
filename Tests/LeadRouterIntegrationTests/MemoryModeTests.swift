import Foundation
import LeadRouterClient
import Testing

/// `leadrouter serve --memory`: a working server that writes nothing and remembers nothing; and how
/// many event loops it runs, in memory and durable.
@Suite("in-memory mode")
struct MemoryModeTests {
    @Test func routesWithoutTouchingDiskAndForgetsOnRestart() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path), "build leadrouter first")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("memory-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        var server = try await ServerProcess.start(data: data, arguments: ["--memory"])
        var client = try await LeadRouterClient.connect(host: "127.0.0.1", port: server.port)
        try await client.upsertReps([WireFixtures.rep("ada", capacity: 5)])
        _ = try await client.setAvailability("ada", .available)
        let reply = try await client.route(WireFixtures.lead("lead-1", source: "web"))
        #expect(reply.assignment.rep == "ada" && reply.created)
        await client.close()
        await server.stop()
        #expect(!FileManager.default.fileExists(atPath: data), "memory mode creates no data folder")

        server = try await ServerProcess.start(data: data, arguments: ["--memory"])
        client = try await LeadRouterClient.connect(host: "127.0.0.1", port: server.port)
        let stats = try await client.stats()
        #expect(stats.lastSeq == 0 && stats.totalAssignments == 0 && stats.reps.isEmpty, "nothing survives a restart")
        await client.close()
        await server.stop()
    }

    /// One event loop per core less one, in memory and durable, leaving a core to the kernel and the
    /// storage threads; `threads` in the config file overrides it. Counted in the running process.
    @Test func eventLoopsAreOnePerCoreLessOneUnlessConfigured() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path), "build leadrouter first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loops-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = folder + "/three.yaml"
        try "threads: 3\n".write(toFile: config, atomically: true, encoding: .utf8)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let cases: [(arguments: [String], config: String?, loops: Int)] = [
            (["--memory"], nil, max(1, cores - 1)),
            ([], nil, max(1, cores - 1)),
            (["--memory"], config, 3),
            ([], config, 3),
        ]
        for (number, setup) in cases.enumerated() {
            let server = try await ServerProcess.start(
                data: folder + "/data-\(number)", config: setup.config, arguments: setup.arguments)
            let tasks = "/proc/\(server.process.processIdentifier)/task"
            let names = try? FileManager.default.contentsOfDirectory(atPath: tasks).map {
                try String(contentsOfFile: "\(tasks)/\($0)/comm", encoding: .utf8)
            }
            await server.stop()
            #expect(names?.filter { $0.hasPrefix("NIO-ELT-") }.count == setup.loops, "\(setup)")
        }
    }
}
