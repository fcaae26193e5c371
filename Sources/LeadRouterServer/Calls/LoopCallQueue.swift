import Atomics
import LeadRouterCore
import LeadRouterWire
import NIOCore

/// The calls waiting on one event loop, in arrival order: Route calls, committed in batches, and
/// every other call, run in its place between them. Touched only on that loop (hence
/// `@unchecked Sendable`).
///
/// Other calls queue too, rather than running the moment they are read, for two reasons: each still
/// sees every route that arrived before it, and a state-changing call (SetAvailability, Accept, ...)
/// takes its turn under the same pause rule as a batch. Run at once, such calls from one loop kept
/// landing in the middle of the other loop's 32-route commits: with the earlier compare-and-exchange
/// engine, in the mixed workload at 8 x 16, 58 % of batch commits failed and were redone, and p99
/// reached 14 ms.
final class LoopCallQueue: @unchecked Sendable {
    /// Runs a call other than a batched Route and answers it; returns the channel to flush.
    typealias Command = () -> (any Channel)?

    /// Routes per commit: large enough to amortise a commit, small enough that the other loop's
    /// pauses (below) outlast it. At 64 a commit took about as long as the whole pause budget, and at
    /// 64 x 16 in flight one run in three fell into a regime where 40 % of commits collided; at 32
    /// none did in six runs.
    static let limit = 32
    /// Fewer routes than a full commit, from a pipelined caller, are committed half at a time (at least
    /// this many per commit), each part answered (flushed) before the next runs. The caller then has
    /// half its replies a commit earlier and sends its next requests while the rest are committed, so
    /// client and server work side by side instead of taking turns: one connection with 16 in flight
    /// went from 67,000–86,000 to 115,000–135,000 routes/s (PERFORMANCE.md, item 90). Callers with one
    /// call in flight gain nothing that way (64 x 1 lost a few per cent to the extra commits), nor
    /// does a full commit's worth from many connections; parts of 4 cost more than they gained.
    static let smallestHalf = 8

    /// How many of `waiting` routes the next commit takes; `pipelined`: the oldest one's caller has
    /// another waiting behind it (see ``smallestHalf``).
    static func commitSize(waiting: Int, pipelined: Bool) -> Int {
        guard pipelined, waiting < limit else { return min(waiting, limit) }
        return min(waiting, max(smallestHalf, (waiting + 1) / 2))
    }
    /// How long a batch waits when the other loop is committing, and how many times at most (together
    /// about twice as long as a full commit takes; more pauses cost timer wake-ups and throughput at
    /// 8 x 16). Only batches of at least `pauseFrom` routes wait: waiting in the sequencer behind the
    /// other loop's commit costs a small one less than a pause adds to the latency of closed-loop
    /// callers.
    static let pause = TimeAmount.microseconds(30)
    static let maximumPauses = 20
    static let pauseFrom = 8

    private struct Pending {
        let callID: UInt32
        /// The connection that sent it, which answers it.
        let caller: any RouteCaller
        let lead: Lead
        let timeoutMs: UInt32
        /// When the call's deadline passes; nil for a call without one.
        let deadline: NIODeadline?
        /// When its request was read (shared by the calls of one read).
        let received: NIODeadline
    }

    private enum Item {
        case route(Pending)
        case command(Command)

        var isRoute: Bool {
            if case .route = self { return true }
            return false
        }
    }

    private let eventLoop: any EventLoop
    private let committing: ManagedAtomic<Bool>
    private let engine: @Sendable () -> RoutingEngine
    private var pending: [Item] = []
    /// A task that will commit (or pause again) is queued on the loop.
    private var scheduled = false
    /// Pauses taken since the last commit.
    private var pauses = 0

    init(eventLoop: any EventLoop, committing: ManagedAtomic<Bool>, engine: @escaping @Sendable () -> RoutingEngine) {
        self.eventLoop = eventLoop
        self.committing = committing
        self.engine = engine
    }

    func add(callID: UInt32, caller: any RouteCaller, lead: Lead, timeoutMs: UInt32, received: NIODeadline) {
        eventLoop.preconditionInEventLoop()
        pending.append(
            .route(
                Pending(
                    callID: callID, caller: caller, lead: lead, timeoutMs: timeoutMs,
                    deadline: timeoutMs > 0 ? received + .milliseconds(Int64(timeoutMs)) : nil, received: received)))
        // A full batch commits now, unless a commit is already on its way (queued, or pausing for the
        // other loop): then it keeps growing and that task takes it.
        if pending.count >= Self.limit && !scheduled { commitUnlessBusy() }
    }

    /// Queues a call other than a batched Route; it runs after everything that arrived before it.
    func add(command: @escaping Command) {
        eventLoop.preconditionInEventLoop()
        pending.append(.command(command))
    }

    /// Commits once the loop has handled the rest of the I/O that is ready now (NIO runs tasks after
    /// the current round of reads), so routes from every connection that just read join the batch.
    func commitSoon() {
        guard !pending.isEmpty, !scheduled else { return }
        scheduled = true
        eventLoop.execute { self.commitUnlessBusy() }
    }

    private func commitUnlessBusy() {
        scheduled = false
        guard !pending.isEmpty else { return }
        // A call other than Route waits too, however short: it is what would fail the other loop's batch.
        let waits = pending.count >= Self.pauseFrom || !pending[0].isRoute
        if waits && pauses < Self.maximumPauses && committing.load(ordering: .relaxed) {
            pauses += 1
            scheduled = true
            eventLoop.scheduleTask(in: Self.pause) { self.commitUnlessBusy() }
            return
        }
        // A call other than Route runs on into what follows it, and its reply leaves with that flush:
        // on its own it cost a turn of the loop and a write of its own (in the mixed workload, a
        // fifth of the calls, the writes were 23 % of the server's CPU). At most `limit` of them per
        // turn, like routes, so a connection pipelining thousands of them leaves the loop's other
        // connections their turns.
        var toFlush: [ObjectIdentifier: any Channel] = [:]
        var commands = 0
        while commitNext(into: &toFlush) && !pending.isEmpty {
            commands += 1
            if commands == Self.limit { break }
        }
        for channel in toFlush.values { channel.flush() }
        // What is left takes its turn after the I/O that is ready now, like a fresh batch.
        commitSoon()
    }

    /// Runs everything waiting on this loop now (routes in commits of at most `limit`, oldest first)
    /// and answers each call: before a stream opens, so it starts after every earlier call.
    func commit() {
        eventLoop.preconditionInEventLoop()
        var toFlush: [ObjectIdentifier: any Channel] = [:]
        while !pending.isEmpty { commitNext(into: &toFlush) }
        for channel in toFlush.values { channel.flush() }
    }

    /// Whether the caller of the oldest waiting route has another route waiting (a pipelined caller).
    private var oldestCallerHasMoreWaiting: Bool {
        guard case .route(let oldest) = pending[0] else { return false }
        return pending.dropFirst().contains {
            if case .route(let call) = $0 { return call.caller === oldest.caller }
            return false
        }
    }

    /// Runs the oldest waiting call, or commits the oldest run of routes
    /// (``commitSize(waiting:pipelined:)``), and answers; the channels to flush go in `toFlush`.
    /// Returns whether it ran a call other than Route.
    @discardableResult
    private func commitNext(into toFlush: inout [ObjectIdentifier: any Channel]) -> Bool {
        pauses = 0
        // Relaxed is enough: the flag publishes nothing, the engine's sequencer orders the state.
        let announced = !committing.exchange(true, ordering: .relaxed)
        if case .command(let run) = pending[0] {
            pending.removeFirst()
            let channel = run()
            if announced { committing.store(false, ordering: .relaxed) }
            if let channel { toFlush[ObjectIdentifier(channel)] = channel }
            return true
        }
        var batch: [Pending] = []
        // Whether the caller is pipelined matters only between a half and a full commit.
        let size = Self.commitSize(
            waiting: pending.count,
            pipelined: (Self.smallestHalf + 1..<Self.limit).contains(pending.count) && oldestCallerHasMoreWaiting)
        while batch.count < size, batch.count < pending.count, case .route(let call) = pending[batch.count] {
            batch.append(call)
        }
        pending.removeFirst(batch.count)
        let results = engine().route(batch: batch.map(\.lead))
        if announced { committing.store(false, ordering: .relaxed) }
        // One clock read per commit: every call's deadline, and its time in the latency histogram.
        let finished = NIODeadline.now()
        for (call, result) in zip(batch, results) {
            let outcome: Result<(payload: ByteBuffer, seq: UInt64), any Error>
            if let deadline = call.deadline, finished > deadline {
                outcome = .failure(CallDeadline.exceeded(call.timeoutMs))
            } else {
                outcome = result.map { (RoutingCalls.routeReply($0), $0.seq) }.mapError { $0 }
            }
            if let channel = call.caller.answerRoute(
                call.callID, outcome, received: call.received, answered: finished)
            {
                toFlush[ObjectIdentifier(channel)] = channel
            }
        }
        return false
    }
}
