import Foundation
import LeadRouterClient
import LeadRouterTesting
import LeadRouterWire
import NIOCore
import Testing

/// Clients that send and do not read their replies: the server's memory for them stays bounded, and
/// everyone else is served.
@Suite("Unread replies")
struct UnreadRepliesTests {
    /// Without back-pressure the server read all 64 MB (in 41 s, a release build) and kept every
    /// reply; with it, the writer was blocked after 5 MB.
    @Test func aClientThatNeverReadsIsNoLongerReadFromWhileOthersAreServed() async throws {
        try await TestServer.with { server in
            let unread = try UnreadSocket(port: server.port, patience: .seconds(1))
            var calls = PipelinedCalls()
            for _ in 0..<4096 { calls.add("Health", ByteBuffer()) }
            let chunk = calls.bytes
            let budget = 24 << 20
            let sent = await onOwnThread {
                var sent = 0
                while sent < budget {
                    let written = unread.send(chunk)
                    sent += written
                    if written < chunk.readableBytes { break }
                }
                return sent
            }
            #expect(sent < budget / 2, "the server kept reading: \(sent >> 20) MB taken in")
            let other = try await server.client(name: "other")
            #expect(try await other.health().status == "SERVING")
            _ = unread
        }
    }

    /// Scans are answered off the event loop, so a client could queue any number of them: beyond
    /// `maximumConcurrentCalls` unanswered ones, a scan is refused at once.
    @Test func scansBeyondTheConcurrentCallLimitAreRefusedAndEveryCallIsAnswered() async throws {
        try await TestServer.with(configure: { $0.limits.maximumConcurrentCalls = 4 }) { server in
            let client = try await server.client()
            try await WireFixtures.seed(client, reps: ["ana", "bo"])
            for index in 0..<200 { _ = try await client.route(WireFixtures.lead("l\(index)")) }
            let raw = try await RawConnection.connect(port: server.port)
            try await raw.hello()
            var calls = PipelinedCalls()
            var page = Leadrouter_V1_ListAssignmentsRequest()
            page.pageSize = 1000
            for _ in 0..<1000 { calls.add("ListAssignments", page.payload()) }
            try await raw.channel.writeAndFlush(calls.bytes)
            var answers: [Frame] = []
            for _ in 0..<500 where answers.count < 1000 {
                try await Task.sleep(for: .milliseconds(20))
                answers = raw.frames().filter { $0.type == .response || $0.type == .status }
            }
            #expect(Set(answers.map(\.callID)) == Set(1...1000))
            let refused = answers.filter { $0.type == .status }
            #expect(!refused.isEmpty)
            #expect(refused.allSatisfy { $0.status?.code == .resourceExhausted })
            let pages = try answers.filter { $0.type == .response }.map {
                try Leadrouter_V1_ListAssignmentsReply(payload: $0.payload)
            }
            #expect(pages.count >= 4 && pages.allSatisfy { $0.assignments.count == 200 })
            await raw.close()
        }
    }
}
