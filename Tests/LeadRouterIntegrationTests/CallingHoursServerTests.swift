import Foundation
import LeadRouterClient
import LeadRouterWire
import Testing

/// Calling hours through the real server: applied from YAML, held leads explained, and the policy and
/// the waiting lead still there after `kill -9`.
@Suite("Calling hours, served")
struct CallingHoursServerTests {
    @Test func aLeadOutsideItsCallingHoursWaitsAndStillWaitsAfterACrash() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path), "build leadrouter first")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("calling-hours-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        // A window that opens two hours from now (UTC) and lasts one: now is outside it.
        let hour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).hour!
        let (start, end) = ((hour + 2) % 24, (hour + 3) % 24)
        let policy = """
            version: compliance-1
            calling_hours: {start: "\(String(format: "%02d:00", start))", end: "\(String(format: "%02d:00", end))"}
            default:
              pool: {}
              strategy: round_robin
            """
        var server = try await ServerProcess.start(data: data)
        var client = try await LeadRouterClient.connect(host: "127.0.0.1", port: server.port)
        try await WireFixtures.seed(client, reps: ["ada"])
        try await client.applyPolicy(policy)
        var lead = WireFixtures.lead("night-1")
        lead.custom = ["time_zone": "UTC"]
        let held = try await client.route(lead)
        #expect(held.assignment.state == "queued")
        #expect(held.assignment.explanation.notes.contains { $0.hasPrefix("outside the lead's calling hours") })
        #expect(try await client.route(WireFixtures.lead("no-zone")).assignment.rep == "ada")
        await client.close()
        await server.kill9()

        server = try await ServerProcess.start(data: data)
        client = try await LeadRouterClient.connect(host: "127.0.0.1", port: server.port)
        #expect(try await client.getAssignment("night-1").state == "queued")
        #expect(try await client.getPolicy().yaml.contains("calling_hours"))
        lead.id = "night-2"
        #expect(try await client.route(lead).assignment.state == "queued", "the recovered policy still holds leads")
        await client.close()
        await server.stop()
    }
}
