import Atomics
import LeadRouterStorage
import LeadRouterWire
import NIOCore

/// Holds replies until the journal has committed the events they acknowledge (`durability: sync`).
///
/// The journal writer publishes `durable` and calls `advanced`; each event loop with held replies
/// is woken once per burst (``LoopWakeup``) and releases every reply at or below it. When a commit
/// fails, the writer calls `advanced` too, and every reply still held is answered UNAVAILABLE
/// instead of waiting for a disk that may stay full for hours.
final class DurabilityGate: Sendable {
    private let loops: [ObjectIdentifier: LoopWaiters]

    init(
        group: any EventLoopGroup, durable: ManagedAtomic<UInt64>, outage: JournalOutage,
        routeLatency: LatencyHistogram
    ) {
        var loops: [ObjectIdentifier: LoopWaiters] = [:]
        for loop in group.makeIterator() {
            loops[ObjectIdentifier(loop)] = LoopWaiters(
                eventLoop: loop, durable: durable, outage: outage, routeLatency: routeLatency)
        }
        self.loops = loops
    }

    /// Has `writer` write `reply` on `loop` once every event up to `seq` is committed, then flushes its
    /// channel: once per channel per release, not once per reply. When `seq` is already committed (the
    /// journal commits inline when it is idle) the reply is written at once and the caller flushes, so
    /// a batch of replies still leaves in one write rather than one syscall and one TCP segment each.
    /// `received`: when a Route call's request was read; a held reply is timed when it leaves.
    /// - Returns: `true` if the reply was written now and its channel awaits the caller's flush.
    func whenDurable(
        _ seq: UInt64, on loop: any EventLoop, write reply: Frame, to writer: any HeldReplyWriter,
        received: NIODeadline?
    ) -> Bool {
        loops[ObjectIdentifier(loop)]!.add(HeldReply(seq: seq, reply: reply, writer: writer, received: received))
    }

    func advanced() {
        for loop in loops.values { loop.wake() }
    }
}

/// Replies held on one event loop. `waiting` is touched only on the loop; `count` lets the writer
/// skip loops with nothing held.
final class LoopWaiters: @unchecked Sendable {
    private let eventLoop: any EventLoop
    private let durable: ManagedAtomic<UInt64>
    private let outage: JournalOutage
    private let count = ManagedAtomic<Int>(0)
    private let wakeup: LoopWakeup
    private let routeLatency: LatencyHistogram
    private var waiting: [HeldReply] = []
    /// The channels a release wrote to, kept between releases for its capacity.
    private var toFlush: [ObjectIdentifier: any Channel] = [:]

    init(
        eventLoop: any EventLoop, durable: ManagedAtomic<UInt64>, outage: JournalOutage, routeLatency: LatencyHistogram
    ) {
        self.eventLoop = eventLoop
        self.durable = durable
        self.outage = outage
        self.routeLatency = routeLatency
        self.wakeup = LoopWakeup(eventLoop: eventLoop)
    }

    func add(_ held: HeldReply) -> Bool {
        eventLoop.preconditionInEventLoop()
        if durable.load(ordering: .acquiring) >= held.seq {
            return held.write() != nil
        }
        waiting.append(held)
        count.wrappingIncrement(ordering: .sequentiallyConsistent)
        // The writer may have advanced, or failed, between the check above and the count becoming
        // visible (and then skipped this loop).
        if durable.load(ordering: .sequentiallyConsistent) >= held.seq || outage.isFailing { release() }
        return false
    }

    func wake() {
        guard count.load(ordering: .sequentiallyConsistent) > 0 else { return }
        wakeup.request { self.release() }
    }

    /// Runs every waiter the journal has caught up with, keeping the rest in place, in order. No
    /// arrays are made: building a kept list and a ready list per release (each grown an append at a
    /// time, a hundred replies at 8 x 16) was 9 % of a durable loop's CPU, most of it `malloc` finding
    /// room among the chunks those arrays left behind.
    private func release() {
        let done = durable.load(ordering: .acquiring)
        // Read after `done`: a commit that succeeds after a failure clears the flag before it
        // publishes its sequence number, so a reply refused here was not durable yet.
        let refusal = outage.problem.map(Self.notDurable)
        var kept = 0
        var released = 0
        var now: NIODeadline?
        for index in waiting.indices {
            let waiter = waiting[index]
            let channel: (any Channel)?
            if waiter.seq <= done {
                channel = waiter.write()
            } else if let refusal {
                channel = waiter.refuse(refusal)
            } else {
                if kept != index { waiting[kept] = waiter }
                kept += 1
                continue
            }
            released += 1
            guard let channel else { continue }
            toFlush[ObjectIdentifier(channel)] = channel
            if let received = waiter.received {
                // One clock read per release, and only when it answers a Route.
                let left = now ?? .now()
                now = left
                routeLatency.record(from: received, to: left)
            }
        }
        guard released > 0 else { return }
        waiting.removeLast(waiting.count - kept)
        count.wrappingDecrement(by: released, ordering: .sequentiallyConsistent)
        for channel in toFlush.values { channel.flush() }
        toFlush.removeAll(keepingCapacity: true)
    }

    static func notDurable(_ problem: String) -> RPCError {
        RPCError(
            .unavailable,
            "\(problem): this call's change is in memory but not durable, and is lost if the server stops before the journal recovers; retry once health reports SERVING (Route, Accept and Complete are idempotent: a retry answers what the first call did)"
        )
    }
}
