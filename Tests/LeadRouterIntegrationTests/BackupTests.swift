import Foundation
import LeadRouterClient
import LeadRouterServer
import LeadRouterStorage
import LeadRouterTesting
import LeadRouterWire
import Testing

/// `Backup` on a real server: a copy taken while leads are routed is a data folder the real
/// executable starts from, holding exactly what the copy says it holds.
@Suite("Backup")
struct BackupTests {
    @Test func aCopyTakenWhileRoutingStartsAServerAtItsLastEvent() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path), "build leadrouter first")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/data"
        let copy = root + "/copies/first"
        let (backup, before) = try await TestServer.with(configure: {
            $0.storage = StorageConfiguration(directory: data)
        }) {
            server in
            let client = try await server.client()
            try await WireFixtures.seed(client, reps: ["ana", "bo"], capacity: 100_000)
            for index in 0..<200 { _ = try await client.route(WireFixtures.lead("before-\(index)")) }
            let before = server.engine.lastSeq
            let routing = Task {
                let other = try await server.client()
                for index in 0..<2_000 { _ = try await other.route(WireFixtures.lead("during-\(index)")) }
            }
            let backup = try await client.backup(into: copy)
            try await routing.value
            #expect(backup.file == copy + "/leadrouter.sqlite")
            #expect(backup.bytes > 0)
            #expect(backup.lastSeq >= before && backup.lastSeq <= server.engine.lastSeq)

            // The same folder again is refused, the original copy untouched.
            do {
                _ = try await client.backup(into: copy)
                Issue.record("a second backup into the same folder was accepted")
            } catch let error as RPCError {
                #expect(error.code == .alreadyExists && error.message.contains("new or empty folder"))
            }
            do {
                _ = try await client.backup(into: "copies/relative")
                Issue.record("a relative folder was accepted")
            } catch let error as RPCError {
                #expect(error.code == .invalidArgument && error.message.contains("absolute path"))
            }
            return (backup, before)
        }
        let audit = try String(contentsOfFile: data + "/audit.log", encoding: .utf8)
        #expect(audit.contains("\"method\":\"Backup\"") && audit.contains("\"detail\":\"into \(copy)\""))

        // `leadrouter check` recovers the copy without serving it.
        let checked = try await Self.check(copy)
        #expect(checked.status == 0, "\(checked.out)")
        #expect(checked.out.contains("recovers to seq \(backup.lastSeq)"))
        #expect(checked.out.contains("policy it-1"))

        let restored = try await ServerProcess.start(data: copy)
        let client = try await LeadRouterClient.connect(host: "127.0.0.1", port: restored.port)
        #expect(try await client.health().lastSeq == backup.lastSeq)
        #expect(try await client.getAssignment("before-199").state == "offered")
        // Every lead routed during the copy is either wholly in it or not at all: the copy recovers
        // to its last event, and a lead it holds is one whose offer is at or before that event.
        var held = 0
        for index in 0..<2_000 {
            do {
                let assignment = try await client.getAssignment("during-\(index)")
                #expect(assignment.seq <= backup.lastSeq)
                held += 1
            } catch let error as RPCError where error.code == .notFound {}
        }
        #expect(before + UInt64(held) == backup.lastSeq, "\(held) of the leads routed during the copy are in it")
        await client.close()
        await restored.stop()
    }

    @Test func checkSaysWhatIsNotADataFolderOrCannotBeRecovered() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path), "build leadrouter first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("not-data-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missing = try await Self.check(folder)
        #expect(missing.status == 3 && missing.out.contains("not a data folder"))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "not a database".write(toFile: folder + "/leadrouter.sqlite", atomically: true, encoding: .utf8)
        let garbage = try await Self.check(folder)
        #expect(garbage.status == 3 && garbage.out.contains("cannot be recovered"), "\(garbage.out)")
    }

    /// Runs `leadrouter check --data FOLDER`: its exit status and what it printed.
    static func check(_ folder: String) async throws -> (status: Int32, out: String) {
        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = ["check", "--data", folder]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let printed = await onOwnThread {
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return data
        }
        return (process.terminationStatus, String(decoding: printed, as: UTF8.self))
    }

    @Test func aServerWithoutDataFolderHasNothingToBackUp() async throws {
        try await TestServer.with { server in
            let client = try await server.client()
            do {
                _ = try await client.backup(into: "/tmp/never-\(UUID())")
                Issue.record("an in-memory server accepted a backup")
            } catch let error as RPCError {
                #expect(error.code == .failedPrecondition && error.message.contains("in-memory"))
            }
        }
    }
}
