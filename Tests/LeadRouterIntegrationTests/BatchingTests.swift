import Atomics
import Foundation
import LeadRouterClient
import LeadRouterCore
import LeadRouterTesting
import LeadRouterWire
import NIOCore
import NIOPosix
import Testing

@testable import LeadRouterServer

/// The server gathers Route calls per event loop and commits them in bounded batches; whatever the
/// batch boundaries, calls take effect in the order they arrived and every one is answered.
@Suite("Route batching")
struct BatchingTests {
    /// A raw connection past its Hello, to a server whose `reps` are in the seeded policy's team.
    static func greetedConnection(to server: TestServer, reps: [String]) async throws -> RawConnection {
        let admin = try await server.client(name: "admin")
        try await WireFixtures.seed(admin, reps: reps, capacity: 10_000)
        let raw = try await RawConnection.connect(port: server.port)
        try await raw.hello()
        return raw
    }

    @Test func hundredsOfPipelinedRoutesCommitInArrivalOrderAndAllGetAnswers() async throws {
        try await TestServer.with { server in
            let raw = try await BatchingTests.greetedConnection(to: server, reps: ["ana", "bo", "cy"])
            // 300 new leads, a repeat of lead 7, then a read that must see all of them: far more
            // than one batch, written at once so they arrive in the same read bursts.
            let routes = 300
            var bytes = ByteBuffer()
            for index in 1...routes + 1 {
                var route = Leadrouter_V1_RouteRequest()
                route.lead = WireFixtures.lead("piped-\(index <= routes ? index : 7)")
                RawConnection.requestFrame(UInt32(index), method: "Route", payload: route.payload()).write(to: &bytes)
            }
            var get = Leadrouter_V1_GetAssignmentRequest()
            get.leadID = "piped-\(routes)"
            RawConnection.requestFrame(UInt32(routes + 2), method: "GetAssignment", payload: get.payload()).write(
                to: &bytes)
            try await raw.channel.writeAndFlush(bytes)

            let replies = try await raw.responses(count: routes + 2)
            #expect(replies.count == routes + 2, "every call answered")
            var lastSeq: UInt64 = 0
            for index in 1...routes {
                let reply = try Leadrouter_V1_RouteReply(payload: try #require(replies[UInt32(index)]).payload)
                #expect(reply.created && reply.assignment.lead.id == "piped-\(index)")
                #expect(reply.assignment.seq > lastSeq, "call \(index) committed after call \(index - 1)")
                lastSeq = reply.assignment.seq
            }
            let first = try Leadrouter_V1_RouteReply(payload: try #require(replies[7]).payload)
            let repeated = try Leadrouter_V1_RouteReply(payload: try #require(replies[UInt32(routes + 1)]).payload)
            #expect(!repeated.created && repeated.assignment.rep == first.assignment.rep)
            let seen = try Leadrouter_V1_AssignmentReply(payload: try #require(replies[UInt32(routes + 2)]).payload)
            #expect(seen.assignment.lead.id == "piped-\(routes)" && seen.assignment.state == "offered")
            await raw.close()
        }
    }

    /// A full commit's worth waiting is committed whole; fewer from a pipelined caller, half at a time
    /// (at least 8), so the caller gets half its replies while the rest are committed; fewer from
    /// callers with one call each, whole.
    @Test func fewerRoutesFromAPipelinedCallerAreCommittedHalfAtATime() {
        let waiting = [1, 7, 8, 9, 16, 17, 20, 31, 32, 33, 100]
        let pipelined = waiting.map { LoopCallQueue.commitSize(waiting: $0, pipelined: true) }
        #expect(pipelined == [1, 7, 8, 8, 8, 9, 10, 16, 32, 32, 32])
        let single = waiting.map { LoopCallQueue.commitSize(waiting: $0, pipelined: false) }
        #expect(single == [1, 7, 8, 9, 16, 17, 20, 31, 32, 32, 32])
        // 16 pipelined routes: two commits of 8; 20: 10, then 8 and 2.
        for (waiting, commits) in [(16, [8, 8]), (20, [10, 8, 2]), (40, [32, 8])] {
            var left = waiting
            var sizes: [Int] = []
            while left > 0 {
                sizes.append(LoopCallQueue.commitSize(waiting: left, pipelined: true))
                left -= sizes.last!
            }
            #expect(sizes == commits, "\(waiting) waiting")
        }
    }

    @Test func callsBetweenRoutesTakeEffectInArrivalOrder() async throws {
        try await TestServer.with { server in
            let raw = try await BatchingTests.greetedConnection(to: server, reps: ["ana"])
            // In one write: 20 routes, ana goes offline, 20 more routes, ana comes back, a last route.
            // Whatever the batch boundaries, the middle routes find no one and the last one finds ana.
            var calls = PipelinedCalls()
            func availability(_ status: Leadrouter_V1_RepStatus) {
                var request = Leadrouter_V1_SetAvailabilityRequest()
                request.rep = "ana"
                request.status = status
                calls.add("SetAvailability", request.payload())
            }
            for index in 0..<20 { calls.route("before-\(index)") }
            availability(.offline)
            for index in 0..<20 { calls.route("while-away-\(index)") }
            availability(.available)
            calls.route("after")
            try await raw.channel.writeAndFlush(calls.bytes)

            let replies = try await raw.responses(count: Int(calls.lastCallID))
            #expect(replies.count == Int(calls.lastCallID), "every call answered")
            for call in UInt32(1)...20 {
                let reply = try Leadrouter_V1_RouteReply(payload: try #require(replies[call]).payload)
                #expect(reply.assignment.state == "offered" && reply.assignment.rep == "ana")
            }
            for call in UInt32(22)...41 {
                let reply = try Leadrouter_V1_RouteReply(payload: try #require(replies[call]).payload)
                #expect(reply.assignment.state == "queued", "call \(call) arrived while ana was offline")
            }
            let last = try Leadrouter_V1_RouteReply(payload: try #require(replies[calls.lastCallID]).payload)
            #expect(last.assignment.rep == "ana", "the last route arrived after ana came back")
            await raw.close()
        }
    }

    /// A scan (ListAssignments, GetStats) walks the state off the event loop, but the state it walks
    /// is the one in its turn: written in one go, routes before it are in its answer and routes after
    /// it are not, whenever its answer comes back.
    @Test func aScanAnswersFromTheStateInItsTurnWhileLaterCallsGoOn() async throws {
        try await TestServer.with { server in
            let raw = try await BatchingTests.greetedConnection(to: server, reps: ["ana"])
            var calls = PipelinedCalls()
            for index in 0..<30 { calls.route("before-\(index)") }
            var list = Leadrouter_V1_ListAssignmentsRequest()
            list.pageSize = 1000
            let listCall = calls.add("ListAssignments", list.payload())
            let statsCall = calls.add("GetStats", Leadrouter_V1_StatsRequest().payload())
            for index in 0..<30 { calls.route("after-\(index)") }
            try await raw.channel.writeAndFlush(calls.bytes)

            let replies = try await raw.responses(count: Int(calls.lastCallID))
            #expect(replies.count == Int(calls.lastCallID), "every call answered")
            let listed = try Leadrouter_V1_ListAssignmentsReply(payload: try #require(replies[listCall]).payload)
            #expect(listed.assignments.map(\.lead.id) == (0..<30).map { "before-\($0)" }.sorted())
            let stats = try Leadrouter_V1_StatsReply(payload: try #require(replies[statsCall]).payload)
            #expect(stats.totalAssignments == 30)
            #expect(server.engine.state.assignments.count == 60)
            await raw.close()
        }
    }

    /// A call's deadline runs from when the server read it. A batched Route whose batch finishes after
    /// that is answered DEADLINE_EXCEEDED, while calls in the same batch without a deadline, or with
    /// time to spare, get their assignments; the late lead is routed all the same (the deadline says
    /// the answer came too late, not that nothing happened), so a retry finds its assignment.
    @Test func aRouteWhoseBatchEndsAfterItsDeadlineIsToldSoAndARetryFindsItsAssignment() async throws {
        try await TestServer.with { server in
            let admin = try await server.client(name: "admin")
            try await WireFixtures.seed(admin, reps: ["ana"], capacity: 100)
            // The server's own queue for one loop, fed directly: no network timing decides when the
            // batch runs, so the test can hold it past the first call's deadline.
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let loop = group.next()
            let queue = LoopCallQueue(eventLoop: loop, committing: ManagedAtomic(false)) { server.engine }
            let answers = AnswerRecorder()
            let now = server.engine.clock.now()
            try await loop.submit {
                let read = NIODeadline.now()
                queue.add(
                    callID: 1, caller: answers, lead: Lead(id: "late", createdAt: now), timeoutMs: 1, received: read)
                queue.add(
                    callID: 2, caller: answers, lead: Lead(id: "no-deadline", createdAt: now), timeoutMs: 0,
                    received: read)
                queue.add(
                    callID: 3, caller: answers, lead: Lead(id: "in-time", createdAt: now), timeoutMs: 60_000,
                    received: read)
                usleep(20_000)
                queue.commit()
            }.get()
            try await group.shutdownGracefully()

            let late = try #require(answers.outcomes[1])
            #expect(throws: RPCError.self) { _ = try late.get() }
            if case .failure(let error as RPCError) = late {
                #expect(error.code == .deadlineExceeded && error.message.contains("1 ms"))
            }
            for callID: UInt32 in [2, 3] {
                let reply = try Leadrouter_V1_RouteReply(payload: try #require(answers.outcomes[callID]).get().payload)
                #expect(reply.created && reply.assignment.rep == "ana", "call \(callID)")
            }
            let retried = try await admin.route(WireFixtures.lead("late"))
            #expect(!retried.created && retried.assignment.rep == "ana" && retried.assignment.state == "offered")
        }
    }
}

/// Keeps each batched call's answer, as a connection would write it.
private final class AnswerRecorder: RouteCaller, @unchecked Sendable {
    var outcomes: [UInt32: Result<(payload: ByteBuffer, seq: UInt64), any Error>] = [:]

    func answerRoute(
        _ callID: UInt32, _ outcome: Result<(payload: ByteBuffer, seq: UInt64), any Error>, received: NIODeadline,
        answered: NIODeadline
    ) -> (any Channel)? {
        outcomes[callID] = outcome
        return nil
    }
}
