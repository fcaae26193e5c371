import Foundation
import LeadRouterClient
import LeadRouterWire
import Testing

/// The real server with its files capped (`prlimit --fsize`, as a full disk would): changes are
/// refused with a status, reads go on, and once there is room again the server resumes by itself
/// and loses nothing.
@Suite("Journal outage", .serialized)
struct JournalOutageTests {
    @Test func aJournalThatCannotBeWrittenRefusesChangesServesReadsAndResumesWithoutLoss() async throws {
        let data = try Self.dataFolder()
        defer { try? FileManager.default.removeItem(atPath: data) }
        var (server, client) = try await Self.seededServer(data: data)
        #expect(try await client.route(WireFixtures.lead("before")).created)

        // The write-ahead log cannot grow: the next commit fails.
        try server.limitFileSize(to: try Self.logSize(in: data))

        // Routed in memory, but its commit fails: answered rather than held until the disk has room.
        let held = await #expect(throws: RPCError.self) { _ = try await client.route(WireFixtures.lead("held")) }
        #expect(held?.code == .unavailable)
        #expect(held?.message.contains("not durable") == true, "\(held?.message ?? "")")
        // From then on, changes are refused before they are made; reads are served.
        let refused = await #expect(throws: RPCError.self) { _ = try await client.route(WireFixtures.lead("refused")) }
        #expect(refused?.code == .unavailable)
        #expect(refused?.message.contains("changes are refused") == true, "\(refused?.message ?? "")")
        let availability = await #expect(throws: RPCError.self) { _ = try await client.setAvailability("bo", .away) }
        #expect(availability?.code == .unavailable)
        let snapshot = await #expect(throws: RPCError.self) { _ = try await client.snapshot() }
        #expect(snapshot?.code == .unavailable)
        let health = try await client.health()
        #expect(health.status == "READ_ONLY")
        #expect(health.reason.contains("journal cannot be written"), "\(health.reason)")
        #expect(try await client.getAssignment("before").lead.id == "before")
        let cliHealth = try await CLITests.leadctl(["health"], port: server.port)
        #expect(cliHealth.status == 1 && cliHealth.out.hasPrefix("READ_ONLY"), "\(cliHealth)")
        #expect(cliHealth.out.contains("journal cannot be written"), "\(cliHealth.out)")
        let cliRoute = try await CLITests.leadctl(["route", "--id", "cli"], port: server.port)
        #expect(cliRoute.status != 0 && cliRoute.err.contains("disk full?"), "\(cliRoute)")

        // Room again: the server retries on its own, and the held change is written.
        try server.limitFileSize(to: nil)
        #expect(try await Self.status(of: client, becomes: "SERVING"))
        #expect(try await CLITests.leadctl(["health"], port: server.port).status == 0)
        #expect(try await client.route(WireFixtures.lead("held")).created == false)
        #expect(try await client.route(WireFixtures.lead("refused")).created)
        #expect(try await client.setAvailability("bo", .away).rep.status == .away)

        // All of it is durable.
        (server, client) = try await Self.killAndRestart(server, client, data: data)
        for lead in ["before", "held", "refused"] {
            #expect(try await client.getAssignment(lead).lead.id == lead)
        }
        await client.close()
        await server.stop()
    }

    /// A dialer is sent only what the journal holds (`durability: sync`): an event a crash could take
    /// back would have it call a lead whose assignment is gone, and resume past the different event the
    /// restarted server numbers the same.
    @Test func aDialerIsSentOnlyEventsTheJournalHolds() async throws {
        let data = try Self.dataFolder()
        defer { try? FileManager.default.removeItem(atPath: data) }
        var (server, client) = try await Self.seededServer(data: data)
        let before = try await client.route(WireFixtures.lead("before"))

        try server.limitFileSize(to: try Self.logSize(in: data))
        await #expect(throws: RPCError.self) { _ = try await client.route(WireFixtures.lead("lost")) }
        // "lost" is routed in memory only: a stream from "before" on is sent nothing until its deadline.
        var watch = Leadrouter_V1_StreamAssignmentsRequest()
        watch.fromSeq = before.assignment.seq
        var sent: [String] = []
        var lastSent = before.assignment.seq
        let ended = await #expect(throws: RPCError.self) {
            for try await event in client.assignments(watch, timeout: .milliseconds(500)) {
                sent.append(event.leadID)
                lastSent = event.seq
            }
        }
        #expect(ended?.code == .deadlineExceeded && sent.isEmpty, "sent \(sent)")

        // The server dies before the journal recovers: "lost" is gone, and its number goes to the next
        // event, which a dialer resuming from the last event it was sent must get.
        (server, client) = try await Self.killAndRestart(server, client, data: data)
        watch.fromSeq = lastSent
        var resumed = client.assignments(watch, timeout: .seconds(10)).makeAsyncIterator()
        let after = try await client.route(WireFixtures.lead("after"))
        let first = try #require(try await resumed.next())
        #expect(first.leadID == "after" && first.seq == after.assignment.seq, "\(first)")
        await #expect(throws: RPCError.self) { _ = try await client.getAssignment("lost") }
        await client.close()
        await server.stop()
    }

    /// Expiring an offer is a change like any other: while the journal cannot take it, offers past
    /// their SLA stay where they are, and expire once it can.
    @Test func offersPastTheirSLAExpireOnlyOnceTheJournalCanBeWritten() async throws {
        let data = try Self.dataFolder()
        defer { try? FileManager.default.removeItem(atPath: data) }
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let config = data + "/leadrouter.yaml"
        try "tick_interval_ms: 100\n".write(toFile: config, atomically: true, encoding: .utf8)
        let server = try await ServerProcess.start(data: data, config: config)
        let client = try await LeadRouterClient.connect(host: "127.0.0.1", port: server.port)
        try await client.upsertReps([WireFixtures.rep("ana"), WireFixtures.rep("bo")])
        for rep in ["ana", "bo"] { _ = try await client.setAvailability(rep, .available) }
        try await client.applyPolicy(
            """
            version: outage-1
            default:
              pool: { teams: [inbound] }
              strategy: round_robin
              sla: 1
            """)
        let first = try await client.route(WireFixtures.lead("slow")).assignment.rep

        // The server learns the journal fails from a commit that fails: this route's.
        try server.limitFileSize(to: try Self.logSize(in: data))
        await #expect(throws: RPCError.self) { _ = try await client.route(WireFixtures.lead("trigger")) }
        try await Task.sleep(for: .seconds(2))
        let during = try await client.getAssignment("slow")
        #expect(during.rep == first && during.misses == 0, "\(during)")

        try server.limitFileSize(to: nil)
        var after = during
        for _ in 0..<100 where after.misses == 0 {
            try await Task.sleep(for: .milliseconds(50))
            after = try await client.getAssignment("slow")
        }
        #expect(after.misses >= 1, "\(after)")
        await client.close()
        await server.stop()
    }

    /// A data folder of its own for one test (the test removes it), once the server is built.
    static func dataFolder() throws -> String {
        try #require(FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path), "build leadrouter first")
        return FileManager.default.temporaryDirectory.appendingPathComponent("outage-\(UUID())").path
    }

    /// The server on `data` with reps ana and bo and a round-robin policy, and a client of it.
    static func seededServer(data: String) async throws -> (ServerProcess, LeadRouterClient) {
        let server = try await ServerProcess.start(data: data)
        let client = try await LeadRouterClient.connect(host: "127.0.0.1", port: server.port)
        try await WireFixtures.seed(client, reps: ["ana", "bo"])
        return (server, client)
    }

    /// `kill -9`, then the server again on the same folder, and a client of it.
    static func killAndRestart(_ server: ServerProcess, _ client: LeadRouterClient, data: String) async throws
        -> (ServerProcess, LeadRouterClient)
    {
        await client.close()
        await server.kill9()
        let restarted = try await ServerProcess.start(data: data)
        return (restarted, try await LeadRouterClient.connect(host: "127.0.0.1", port: restarted.port))
    }

    /// The size of the data folder's write-ahead log: a cap there fails the next commit.
    static func logSize(in data: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: data + "/leadrouter.sqlite-wal")[.size] as? Int)
    }

    /// Polls health until it reports `status`, for up to ten seconds.
    static func status(of client: LeadRouterClient, becomes status: String) async throws -> Bool {
        for _ in 0..<200 {
            if try await client.health().status == status { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
