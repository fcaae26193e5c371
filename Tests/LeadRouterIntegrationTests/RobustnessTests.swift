import Foundation
import LeadRouterClient
import LeadRouterCore
import LeadRouterStorage
import LeadRouterTesting
import LeadRouterWire
import NIOCore
import Testing

@Suite("Bad input and limits")
struct RobustnessTests {
    /// Each bad connection gets a final status (GOAWAY) and a closed socket; nothing changes state.
    static let violations: [(name: String, greet: Bool, bytes: [UInt8], code: StatusCode)] = [
        ("oversized length prefix", true, [0x7F, 0xFF, 0xFF, 0xFF], .resourceExhausted),
        ("garbage bytes", true, Array("GET / HTTP/1.1\r\n\r\n".utf8), .resourceExhausted),
        ("unknown frame type", true, [0, 0, 0, 5, 0x66, 0, 0, 0, 1], .invalidArgument),
        ("length shorter than a header", true, [0, 0, 0, 1, 0x10], .invalidArgument),
        ("request before the handshake", false, [0, 0, 0, 5, 0x10, 0, 0, 0, 1], .failedPrecondition),
        ("undecodable hello", false, [0, 0, 0, 7, 0x01, 0, 0, 0, 0, 0xFF, 0xFF], .invalidArgument),
        ("server-only frame from a client", true, [0, 0, 0, 5, 0x11, 0, 0, 0, 1], .invalidArgument),
    ]

    /// A backlog of offers past their SLA (after a restart, say) expires a bounded number per tick,
    /// and the server ticks again as soon as the journal holds each part rather than at the next
    /// interval: here 50 per tick, one interval a second, 1,000 lapsed offers, all moved on well
    /// before eight intervals could have done it, while calls keep being answered.
    @Test func aBacklogOfLapsedOffersClearsInBoundedTicksWhileCallsAreAnswered() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backlog-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualClock()
        try await TestServer.with(
            configure: { configuration in
                configuration.storage = StorageConfiguration(directory: directory)
                configuration.engine.maxExpiriesPerTick = 50
                configuration.tickIntervalMilliseconds = 1_000
            }, clock: clock
        ) { server in
            let client = try await server.client()
            try await WireFixtures.seed(client, reps: ["ana", "bo"], capacity: 10_000)
            let leads = (0..<1_000).map { "lapsed-\($0)" }
            for lead in leads { _ = try await client.route(WireFixtures.lead(lead)) }
            clock.advance(seconds: 301)
            let started = ContinuousClock.now
            var moved = 0
            var calls = 0
            while moved < leads.count && ContinuousClock.now < started + .seconds(8) {
                calls += 1
                let routed = try await client.route(WireFixtures.lead("meanwhile-\(calls)"))
                #expect(routed.created)
                try await Task.sleep(for: .milliseconds(50))
                let assignments = server.engine.state.assignments
                moved = leads.count { assignments[$0]?.expiredReps.count == 1 }
            }
            #expect(moved == leads.count, "\(moved) of \(leads.count) lapsed offers moved on")
            #expect(leads.allSatisfy { server.engine.state.assignments[$0]?.state == .offered })
        }
    }

    @Test func everyProtocolViolationGetsAStatusAndACloseWhileOthersKeepRouting() async throws {
        try await TestServer.with { server in
            let good = try await server.client(name: "good")
            try await WireFixtures.seed(good, reps: ["ana", "bo"])
            for (index, violation) in Self.violations.enumerated() {
                let before = server.engine.state.lastSeq
                let raw = try await RawConnection.connect(port: server.port)
                if violation.greet { try await raw.hello() }
                try await raw.send(violation.bytes)
                let (frames, closed) = try await raw.framesUntilClosed()
                #expect(closed, "\(violation.name): connection closed")
                let goAway = frames.last { $0.type == .goAway }
                #expect(
                    goAway?.status?.code == violation.code, "\(violation.name): \(String(describing: goAway?.status))")
                #expect(server.engine.state.lastSeq == before, "\(violation.name): no state change")
                let routed = try await good.route(WireFixtures.lead("after-\(index)"))
                #expect(routed.created, "\(violation.name): other clients keep routing")
            }
        }
    }

    @Test func wrongProtocolVersionIsRefusedClearly() async throws {
        try await TestServer.with { server in
            let raw = try await RawConnection.connect(port: server.port)
            try await raw.hello(version: 99)
            let (frames, closed) = try await raw.framesUntilClosed()
            #expect(closed)
            let status = try #require(frames.first { $0.type == .goAway }?.status)
            #expect(status.code == .failedPrecondition)
            #expect(status.message.contains("protocol version 99 is not supported"))
        }
    }

    @Test func framesPackedTogetherOrSplitAcrossReadsAreEachAnswered() async throws {
        try await TestServer.with { server in
            let raw = try await RawConnection.connect(port: server.port)
            try await raw.hello()
            var bytes = ByteBuffer()
            for callID in UInt32(1)...5 {
                RawConnection.requestFrame(callID, method: "Health", payload: Leadrouter_V1_HealthRequest().payload())
                    .write(to: &bytes)
            }
            let all = Array(bytes.readableBytesView)
            let frameSize = all.count / 5
            // Two whole frames and the start of a third in one write, the third's rest a byte at a
            // time, then the last two frames in one write.
            try await raw.send(Array(all[0..<(2 * frameSize + 3)]))
            for byte in all[(2 * frameSize + 3)..<(3 * frameSize)] {
                try await raw.send([byte])
                try await Task.sleep(for: .milliseconds(2))
            }
            try await raw.send(Array(all[(3 * frameSize)...]))
            let deadline = ContinuousClock.now + .seconds(5)
            var answered: [UInt32] = []
            while answered.count < 5 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
                answered = raw.frames().filter { $0.type == .response }.map(\.callID)
            }
            #expect(answered == [1, 2, 3, 4, 5])
            await raw.close()
        }
    }

    @Test func truncatedFrameThenCloseLeavesTheServerServing() async throws {
        try await TestServer.with { server in
            let raw = try await RawConnection.connect(port: server.port)
            try await raw.hello()
            try await raw.send([0, 0, 0, 50, 0x10, 0, 0, 0, 1, 1, 2, 3])
            await raw.close()
            let client = try await server.client()
            #expect(try await client.health().status == "SERVING")
        }
    }

    @Test func reusingAnOpenCallIdClosesTheConnectionWithAStatus() async throws {
        try await TestServer.with { server in
            let raw = try await RawConnection.connect(port: server.port)
            try await raw.hello()
            let subscribe = RawConnection.requestFrame(
                5, method: "StreamAssignments", payload: Leadrouter_V1_StreamAssignmentsRequest().payload())
            try await raw.send(subscribe)
            try await raw.send(subscribe)
            let (frames, closed) = try await raw.framesUntilClosed()
            #expect(closed)
            #expect(
                frames.contains {
                    $0.type == .goAway && $0.status?.message.contains("call id 5 is already in use") == true
                })
        }
    }

    @Test func idleConnectionsAreClosed() async throws {
        try await TestServer.with(configure: { $0.limits.idleTimeoutSeconds = 1 }) { server in
            let raw = try await RawConnection.connect(port: server.port)
            // On a loaded machine the server may already have given up on us before HELLO goes out.
            try? await raw.hello()
            let (frames, closed) = try await raw.framesUntilClosed(seconds: 5)
            #expect(closed)
            #expect(frames.last?.status?.code == .unavailable)
        }
    }

    @Test func connectionFloodBeyondTheLimitIsRefused() async throws {
        try await TestServer.with(configure: { $0.limits.maximumConnections = 3 }) { server in
            var clients: [LeadRouterClient] = []
            for index in 0..<3 { clients.append(try await server.client(name: "c\(index)")) }
            let refused = await #expect(throws: RPCError.self) { _ = try await server.client(name: "extra") }
            // The GOAWAY status normally arrives; if the close wins the race the client reports UNAVAILABLE.
            #expect(refused?.code == .resourceExhausted || refused?.code == .unavailable)
            #expect(try await clients[0].health().status == "SERVING")
            await clients[2].close()
            for _ in 0..<100 where server.server.openConnections >= 3 { try await Task.sleep(for: .milliseconds(20)) }
            let later = try await server.client(name: "later")
            #expect(try await later.health().status == "SERVING")
        }
    }

    @Test func tooManyConcurrentStreamsOnOneConnectionAreRefused() async throws {
        try await TestServer.with(configure: { $0.limits.maximumConcurrentCalls = 2 }) { server in
            let client = try await server.client()
            let first = client.assignments(.init())
            let second = client.assignments(.init())
            var third = client.assignments(.init()).makeAsyncIterator()
            let error = await #expect(throws: RPCError.self) { _ = try await third.next() }
            #expect(error?.code == .resourceExhausted)
            _ = (first, second)
        }
    }
}
