import Foundation
import LeadRouterClient
import LeadRouterCore
import LeadRouterServer
import LeadRouterStorage
import LeadRouterTesting
import LeadRouterWire
import Logging

/// Durable vs in-memory Route throughput over the same connections, snapshot and recovery time,
/// and bytes per assignment. Usage: DurabilityBench [throughput|snapshot] [assignments]
let mode = CommandLine.arguments.dropFirst().first ?? "all"
let logger = Logger(label: "bench")

func temporaryDirectory() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("leadrouter-bench-\(UUID())").path
}

/// Each run writes hundreds of megabytes; nothing is kept once its figure is printed.
func removeDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

func directorySize(_ path: String) -> Int {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.reduce(0) { total, name in
        total + ((try? FileManager.default.attributesOfItem(atPath: "\(path)/\(name)")[.size] as? Int) ?? 0)
    }
}

/// Routes as fast as `connections` x `inFlight` concurrent callers can for `seconds`.
func throughput(durable: Bool, connections: Int = 8, inFlight: Int = 16, seconds: Double = 5) async throws -> Double {
    let directory = temporaryDirectory()
    defer { removeDirectory(directory) }
    return try await TestServer.with(configure: { configuration in
        configuration.threads = 1
        if durable {
            var storage = StorageConfiguration(directory: directory)
            storage.groupCommitWindowMicroseconds =
                Int(ProcessInfo.processInfo.environment["WINDOW_US"] ?? "0") ?? 0
            configuration.storage = storage
        }
        configuration.engine.detailedExplanations = false
    }) { server in
        let admin = try await server.client()
        try await admin.upsertReps(
            (0..<100).map { index in
                var rep = Leadrouter_V1_Rep()
                rep.id = "rep-\(index)"
                rep.teams = ["inbound"]
                rep.capacity = 10_000_000
                return rep
            })
        for index in 0..<100 { _ = try await admin.setAvailability("rep-\(index)", .available) }
        var clients: [LeadRouterClient] = []
        for _ in 0..<connections { clients.append(try await server.client(timeout: .seconds(30))) }
        let deadline = ContinuousClock.now + .seconds(seconds)
        let warmUp = ContinuousClock.now + .seconds(1)
        let counted = try await withThrowingTaskGroup(of: Int.self) { group in
            for (connection, client) in clients.enumerated() {
                for caller in 0..<inFlight {
                    group.addTask {
                        var count = 0
                        var index = 0
                        while ContinuousClock.now < deadline {
                            var lead = Leadrouter_V1_Lead()
                            lead.id = "c\(connection)-\(caller)-\(index)"
                            lead.source = "web"
                            _ = try await client.route(lead)
                            index += 1
                            if ContinuousClock.now > warmUp { count += 1 }
                        }
                        return count
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(counted) / (seconds - 1)
    }
}

func snapshotAndRecovery(assignments: Int) throws {
    let engine = RoutingEngine(configuration: .init(detailedExplanations: false, historyCapacity: 1 << 10))
    try engine.upsertReps((0..<1000).map { Rep(id: "rep-\($0)", teams: ["inbound"], capacity: 100_000) })
    for index in 0..<1000 { try engine.setAvailability("rep-\(index)", status: .available) }
    let build = Date()
    for index in 0..<assignments {
        try engine.route(Lead(id: "lead-\(index)", createdAt: Timestamp(Date()), source: "web", country: "DE"))
    }
    print("built \(assignments) assignments in-process in \(String(format: "%.1f", Date().timeIntervalSince(build))) s")
    let directory = temporaryDirectory()
    defer { removeDirectory(directory) }
    let store = try JournalStore(configuration: StorageConfiguration(directory: directory), logger: logger)
    let state = engine.state
    let started = Date()
    try store.writeSnapshot(state.snapshot, at: state.lastTime)
    let snapshotSeconds = Date().timeIntervalSince(started)
    let recoveryStart = Date()
    let outcome = try Recovery.recover(store, logger: logger)
    let recoverySeconds = Date().timeIntervalSince(recoveryStart)
    precondition(outcome.state.assignments.count == assignments)
    // The snapshot's bytes, not the write-ahead log's copy of them awaiting a checkpoint.
    try store.checkpoint()
    let bytes = directorySize(directory)
    print("snapshot of \(assignments) assignments: \(String(format: "%.2f", snapshotSeconds)) s")
    print("recovery from that snapshot: \(String(format: "%.2f", recoverySeconds)) s")
    print("snapshot bytes per assignment: \(bytes / assignments)")

    // Journal cost: the events of 100,000 routes.
    let journalDirectory = temporaryDirectory()
    defer { removeDirectory(journalDirectory) }
    let journal = try JournalStore(configuration: StorageConfiguration(directory: journalDirectory), logger: logger)
    let events = (engine.events(after: state.lastSeq - 1000, limit: 1000) ?? [])
    let offered = events.filter { if case .offered = $0.kind { return true } else { return false } }
    try journal.append(
        offered.enumerated().map {
            var event = $1; event.seq = UInt64($0 + 1); return event
        })
    try journal.checkpoint()
    print("journal bytes per route event: \(directorySize(journalDirectory) / max(offered.count, 1))")
    try journalAppendCost(offered)
}

/// Time to commit route events to the journal, in transactions of one event (an idle server's call)
/// and of 32 (a busy loop's batch).
func journalAppendCost(_ offered: [EngineEvent]) throws {
    for batch in [1, 32] {
        let directory = temporaryDirectory()
        defer { removeDirectory(directory) }
        let journal = try JournalStore(configuration: StorageConfiguration(directory: directory), logger: logger)
        var seq: UInt64 = 0
        var events: [EngineEvent] = []
        for _ in 0..<(20_000 / offered.count) {
            for var event in offered {
                seq += 1
                event.seq = seq
                events.append(event)
            }
        }
        let started = Date()
        for start in stride(from: 0, to: events.count, by: batch) {
            try journal.append(Array(events[start..<min(start + batch, events.count)]))
        }
        let micros = Date().timeIntervalSince(started) * 1e6
        print(
            "journal append, \(batch) event(s) per transaction: \(String(format: "%.1f", micros / Double(events.count) * Double(batch))) µs per transaction, \(String(format: "%.2f", micros / Double(events.count))) µs per event"
        )
    }
}

if mode == "all" || mode == "throughput" {
    for (connections, inFlight) in [(8, 16), (8, 64)] {
        let memory = try await throughput(durable: false, connections: connections, inFlight: inFlight)
        let durable = try await throughput(durable: true, connections: connections, inFlight: inFlight)
        print(
            "Route throughput, \(connections) connections x \(inFlight) in flight, in-memory: \(Int(memory)) routes/s")
        print(
            "Route throughput, same load, durability sync: \(Int(durable)) routes/s (\(Int(durable / memory * 100)) % of in-memory)"
        )
    }
}
if mode == "all" || mode == "snapshot" {
    let count = Int(CommandLine.arguments.dropFirst(2).first ?? "") ?? 1_000_000
    try snapshotAndRecovery(assignments: count)
}
