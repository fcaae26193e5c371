import Foundation
import LeadRouterClient
import LeadRouterCore
import LeadRouterServer
import LeadRouterStorage
import LeadRouterTesting
import LeadRouterWire
import Testing

/// `GetLeadHistory` on a real server: one lead's events, from the in-memory history or the journal.
@Suite("Lead history")
struct LeadHistoryTests {
    /// A lead offered, let expire, offered again, accepted and completed, between hundreds of other
    /// leads' events, most of them older than the in-memory history: read from the journal, and
    /// again after a restart.
    @Test func aLeadsWholeStoryIsToldFromTheJournalAcrossARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualClock()
        let configure = { (configuration: inout ServerConfiguration) in
            configuration.storage = StorageConfiguration(directory: directory)
            configuration.engine.historyCapacity = 64
        }
        let expected: [(kind: String, rep: String)] = try await TestServer.with(configure: configure, clock: clock) {
            server in
            let client = try await server.client()
            try await WireFixtures.seed(client, reps: ["ana", "bo"], capacity: 1_000)
            for index in 0..<300 { _ = try await client.route(WireFixtures.lead("before-\(index)")) }
            clock.advance(seconds: 600)  // the lead arrives well after the others, beyond the search's slack
            let first = try await client.route(WireFixtures.lead("story")).assignment.rep
            clock.advance(seconds: 301)  // past the default rule's SLA: the tick moves it to the other rep
            let waited = ContinuousClock.now
            while server.engine.state.assignments["story"]?.expiredReps.isEmpty != false,
                ContinuousClock.now < waited + .seconds(30)
            {
                try await Task.sleep(for: .milliseconds(20))
            }
            let second = try #require(server.engine.state.assignments["story"]?.rep)
            _ = try await client.accept("story")
            for index in 0..<100 { _ = try await client.route(WireFixtures.lead("after-\(index)")) }
            _ = try await client.complete("story", outcome: "won")
            for index in 100..<200 { _ = try await client.route(WireFixtures.lead("after-\(index)")) }
            let expected = [
                ("offered", first), ("expired", first), ("offered", second), ("accepted", second),
                ("completed", second),
            ]
            #expect(first != second)
            let history = try await client.leadHistory("story")
            #expect(history.complete)
            #expect(history.events.map(\.kind) == expected.map(\.0))
            #expect(history.events.map(\.rep) == expected.map(\.1))
            #expect(history.events.allSatisfy { $0.leadID == "story" })
            #expect(history.events.map(\.seq) == history.events.map(\.seq).sorted())
            #expect(history.events.first?.lead.id == "story", "the offer carries the lead")
            #expect(history.events.last?.detail == "won")
            return expected
        }
        // The real executable on the same folder: its in-memory history starts empty after recovery.
        try #require(FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path), "build leadrouter first")
        let restarted = try await ServerProcess.start(data: directory)
        let client = try await LeadRouterClient.connect(host: "127.0.0.1", port: restarted.port)
        let history = try await client.leadHistory("story")
        #expect(history.complete)
        #expect(history.events.map(\.kind) == expected.map(\.kind))
        #expect(history.events.map(\.rep) == expected.map(\.rep))
        do {
            _ = try await client.leadHistory("never-routed")
            Issue.record("a lead never routed has no history")
        } catch let error as RPCError {
            #expect(error.code == .notFound && error.message.contains("never-routed"))
        }
        await client.close()
        await restarted.stop()
    }

    /// Without a data folder only the in-memory history is kept: a lead whose arrival it no longer
    /// reaches is answered with what is left, marked incomplete; one that arrived well after the
    /// oldest event kept, in full.
    @Test func aServerWithoutJournalSaysWhenTheStartIsNoLongerKept() async throws {
        let clock = ManualClock()
        try await TestServer.with(configure: { $0.engine.historyCapacity = 64 }, clock: clock) { server in
            let client = try await server.client()
            try await WireFixtures.seed(client, reps: ["ana", "bo"], capacity: 1_000)
            _ = try await client.route(WireFixtures.lead("old"))
            for index in 0..<200 { _ = try await client.route(WireFixtures.lead("later-\(index)")) }
            _ = try await client.accept("old")
            let old = try await client.leadHistory("old")
            #expect(!old.complete)
            #expect(old.events.map(\.kind) == ["accepted"])
            // A lead from a caller whose clock runs an hour ahead, queued (nobody available) and
            // never offered, whose one event has left the history: the search starts after
            // everything kept and up to an event older than all of it.
            for rep in ["ana", "bo"] { _ = try await client.setAvailability(rep, .away) }
            var ahead = WireFixtures.lead("ahead")
            ahead.createdAtMs = clock.now().millis + 3_600_000
            _ = try await client.route(ahead)
            for index in 0..<100 { _ = try await client.route(WireFixtures.lead("waiting-\(index)")) }
            let gone = try await client.leadHistory("ahead")
            #expect(!gone.complete && gone.events.isEmpty)
            _ = try await client.setAvailability("ana", .available)
            clock.advance(seconds: 600)
            _ = try await client.route(WireFixtures.lead("recent"))
            let recent = try await client.leadHistory("recent")
            #expect(recent.complete)
            #expect(recent.events.map(\.kind) == ["offered"])
        }
    }
}
