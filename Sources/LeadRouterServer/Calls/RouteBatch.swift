import LeadRouterCore
import LeadRouterWire
import NIOCore

/// The Route calls of one socket read, committed to the engine together: a busy connection (pipelined
/// calls) pays the persistent-state copy and the atomic publication once per read instead of once per
/// lead, and two event loops collide on the commit far less often. The handler runs the batch at the
/// end of the read, when it is full, and before any other call, so calls still take effect in the order
/// they arrived.
struct RouteBatch {
    /// Large enough to amortise a commit, small enough that a retry after a collision stays cheap.
    static let limit = 32

    private struct Pending {
        let callID: UInt32
        let lead: Lead
        let timeoutMs: UInt32
        let arrived: NIODeadline
    }

    private var pending: [Pending] = []

    var isEmpty: Bool { pending.isEmpty }
    var isFull: Bool { pending.count >= Self.limit }

    mutating func add(callID: UInt32, lead: Lead, timeoutMs: UInt32) {
        pending.append(Pending(callID: callID, lead: lead, timeoutMs: timeoutMs, arrived: .now()))
    }

    /// Routes every pending lead in one commit and hands each call's reply payload, or error, to `answer`.
    mutating func run(_ engine: RoutingEngine, answer: (UInt32, Result<ByteBuffer, any Error>) -> Void) {
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        let results = engine.route(batch: batch.map(\.lead))
        let finished = NIODeadline.now()
        for (call, result) in zip(batch, results) {
            if call.timeoutMs > 0, finished - call.arrived > .milliseconds(Int64(call.timeoutMs)) {
                answer(
                    call.callID,
                    .failure(RPCError(.deadlineExceeded, "the call took longer than its \(call.timeoutMs) ms deadline"))
                )
                continue
            }
            answer(call.callID, result.map(RoutingCalls.routeReply).mapError { $0 })
        }
    }
}
