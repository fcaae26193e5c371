import Atomics
import NIOCore

/// Holds replies until the journal has committed the events they acknowledge (`durability: sync`).
///
/// The journal writer publishes `durable` and calls `advanced`; each event loop with held replies
/// is woken once per burst (``LoopWakeup``) and releases every reply at or below it.
final class DurabilityGate: Sendable {
    private let loops: [ObjectIdentifier: LoopWaiters]
    let durable: ManagedAtomic<UInt64>

    init(group: any EventLoopGroup, durable: ManagedAtomic<UInt64>) {
        self.durable = durable
        var loops: [ObjectIdentifier: LoopWaiters] = [:]
        for loop in group.makeIterator() {
            loops[ObjectIdentifier(loop)] = LoopWaiters(eventLoop: loop, durable: durable)
        }
        self.loops = loops
    }

    /// Runs `write` on `loop` once every event up to `seq` is committed, then flushes the channel it
    /// returns: once per channel per release, not once per reply. When `seq` is already committed (the
    /// journal commits inline when it is idle) `write` runs at once and the caller flushes, so a batch
    /// of replies still leaves in one write rather than one syscall and one TCP segment each.
    /// - Returns: `true` if `write` ran now and its channel awaits the caller's flush.
    func whenDurable(_ seq: UInt64, on loop: any EventLoop, _ action: @escaping () -> any Channel) -> Bool {
        loops[ObjectIdentifier(loop)]!.add(seq, action)
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
    private let count = ManagedAtomic<Int>(0)
    private let wakeup: LoopWakeup
    private var waiting: [(seq: UInt64, action: () -> any Channel)] = []

    init(eventLoop: any EventLoop, durable: ManagedAtomic<UInt64>) {
        self.eventLoop = eventLoop
        self.durable = durable
        self.wakeup = LoopWakeup(eventLoop: eventLoop)
    }

    func add(_ seq: UInt64, _ action: @escaping () -> any Channel) -> Bool {
        eventLoop.preconditionInEventLoop()
        if durable.load(ordering: .acquiring) >= seq {
            _ = action()
            return true
        }
        waiting.append((seq, action))
        count.wrappingIncrement(ordering: .sequentiallyConsistent)
        // The writer may have advanced between the check above and the count becoming visible.
        if durable.load(ordering: .sequentiallyConsistent) >= seq { release() }
        return false
    }

    func wake() {
        guard count.load(ordering: .sequentiallyConsistent) > 0 else { return }
        wakeup.request { self.release() }
    }

    private func release() {
        let done = durable.load(ordering: .acquiring)
        var kept: [(seq: UInt64, action: () -> any Channel)] = []
        var ready: [() -> any Channel] = []
        for waiter in waiting {
            if waiter.seq <= done { ready.append(waiter.action) } else { kept.append(waiter) }
        }
        guard !ready.isEmpty else { return }
        waiting = kept
        count.wrappingDecrement(by: ready.count, ordering: .sequentiallyConsistent)
        var toFlush: [ObjectIdentifier: any Channel] = [:]
        for action in ready {
            let channel = action()
            toFlush[ObjectIdentifier(channel)] = channel
        }
        for channel in toFlush.values { channel.flush() }
    }
}
