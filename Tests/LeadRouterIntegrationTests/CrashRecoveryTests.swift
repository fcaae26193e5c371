import Foundation
import LeadRouterClient
import LeadRouterStorage
import LeadRouterWire
import Logging
import Testing

/// kill -9 the real server under load, again and again, and check nothing acknowledged is lost.
@Suite("Crash recovery", .serialized)
struct CrashRecoveryTests {
    static let reps = (0..<12).map { "rep\($0)" }
    static let capacity: Int32 = 4

    /// NSLock (pthreads) rather than `Mutex`: ThreadSanitizer sees pthread locking, but not the
    /// standard library's futex-based `Mutex` on Linux, and reported this set as racy.
    final class Acknowledged: @unchecked Sendable {
        private let lock = NSLock()
        private var leads = Set<String>()
        func add(_ lead: String) { lock.withLock { _ = leads.insert(lead) } }
        var all: Set<String> { lock.withLock { leads } }
    }

    @Test func acknowledgedRoutesSurviveTwentyKillNines() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path), "build leadrouter first")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        var server = try await ServerProcess.start(data: data)
        let admin = try await LeadRouterClient.connect(host: "127.0.0.1", port: server.port)
        try await admin.upsertReps(Self.reps.map { WireFixtures.rep($0, capacity: Self.capacity) })
        for rep in Self.reps { _ = try await admin.setAvailability(rep, .available) }
        await admin.close()
        let acknowledged = Acknowledged()
        var random = SystemRandomNumberGenerator()

        for round in 0..<20 {
            let port = server.port
            let load = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<2 {
                        group.addTask {
                            try await Self.route(port: port, round: round, worker: worker, into: acknowledged)
                        }
                    }
                    group.addTask { await Self.routePipelined(port: port, round: round, into: acknowledged) }
                    group.addTask { try await Self.flipAvailability(port: port, round: round) }
                    try await group.waitForAll()
                }
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 150...450, using: &random)))
            await server.kill9()
            _ = await load.result
            server = try await ServerProcess.start(data: data)
            try await Self.verify(port: server.port, acknowledged: acknowledged.all, round: round)
        }
        await server.stop()
        try Self.verifyJournal(data: data)
        #expect(acknowledged.all.count > 100, "the test generated real traffic")
    }

    /// Routes new leads one at a time on its own connection until the connection dies.
    static func route(port: Int, round: Int, worker: Int, into acknowledged: Acknowledged) async throws {
        guard let client = try? await LeadRouterClient.connect(host: "127.0.0.1", port: port) else { return }
        await routeUntilFailure(client, ids: "r\(round)-w\(worker)", into: acknowledged)
    }

    /// Keeps 40 routes in flight on one connection, so the server commits them in batches large enough
    /// to be handed to the journal thread (rather than committed by the event loop itself), and the
    /// replies wait in the durability gate for that thread's commit.
    static func routePipelined(port: Int, round: Int, into acknowledged: Acknowledged) async {
        guard let client = try? await LeadRouterClient.connect(host: "127.0.0.1", port: port) else { return }
        await withTaskGroup(of: Void.self) { group in
            for lane in 0..<40 {
                group.addTask { await routeUntilFailure(client, ids: "r\(round)-p\(lane)", into: acknowledged) }
            }
        }
    }

    /// Routes leads `<ids>-0`, `<ids>-1`, ... one after another until a call fails, recording each
    /// acknowledged one.
    static func routeUntilFailure(_ client: LeadRouterClient, ids: String, into acknowledged: Acknowledged) async {
        var index = 0
        while true {
            let id = "\(ids)-\(index)"
            do {
                _ = try await client.route(WireFixtures.lead(id, source: index % 3 == 0 ? "chat" : "web"))
            } catch {
                return
            }
            acknowledged.add(id)
            index += 1
        }
    }

    /// Flips availability and completes work so capacity keeps moving.
    static func flipAvailability(port: Int, round: Int) async throws {
        guard let client = try? await LeadRouterClient.connect(host: "127.0.0.1", port: port) else { return }
        var random = SystemRandomNumberGenerator()
        let statuses: [Leadrouter_V1_RepStatus] = [.available, .available, .onCall, .away, .offline]
        while true {
            do {
                let rep = reps.randomElement(using: &random)!
                _ = try await client.setAvailability(rep, statuses.randomElement(using: &random)!)
                var request = Leadrouter_V1_ListAssignmentsRequest()
                request.rep = rep
                request.state = "offered"
                request.pageSize = 2
                for assignment in try await client.listAssignments(request).assignments {
                    _ = try? await client.complete(assignment.lead.id, outcome: "done")
                }
            } catch let error as RPCError where error.code == .unavailable {
                return
            } catch {}
        }
    }

    static func verify(port: Int, acknowledged: Set<String>, round: Int) async throws {
        let client = try await LeadRouterClient.connect(host: "127.0.0.1", port: port)
        defer { Task { await client.close() } }
        var present: [String: Leadrouter_V1_Assignment] = [:]
        var request = Leadrouter_V1_ListAssignmentsRequest()
        request.pageSize = 1000
        repeat {
            let page = try await client.listAssignments(request)
            for assignment in page.assignments { present[assignment.lead.id] = assignment }
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty
        let lost = acknowledged.subtracting(present.keys)
        #expect(lost.count == 0, "round \(round): acknowledged routes lost, for example \(lost.sorted().prefix(5))")
        var open: [String: Int32] = [:]
        for assignment in present.values where assignment.state == "offered" || assignment.state == "accepted" {
            open[assignment.rep, default: 0] += 1
        }
        for rep in try await client.listReps() {
            #expect(rep.openAssignments <= rep.capacity, "round \(round): \(rep.rep.id) over capacity")
            #expect(
                rep.openAssignments == open[rep.rep.id, default: 0],
                "round \(round): \(rep.rep.id) holds a lead twice or lost one")
        }
    }

    /// After the last graceful stop, the journal is gap-free and replays to the snapshot's state.
    static func verifyJournal(data: String) throws {
        let store = try JournalStore(
            configuration: StorageConfiguration(directory: data), logger: Logger(label: "verify"))
        let oldest = try store.oldestJournalSeq
        let events = try store.events(after: oldest - 1, limit: 10_000_000)
        #expect(events.map(\.seq) == Array(oldest...(oldest + UInt64(events.count) - 1)))
        let outcome = try Recovery.recover(store, logger: Logger(label: "verify"))
        #expect(outcome.warnings.isEmpty)
        #expect(outcome.state.lastSeq == events.last?.seq)
    }
}
