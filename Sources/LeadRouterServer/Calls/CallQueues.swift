import Atomics
import LeadRouterCore
import NIOCore

/// One call queue per event loop (``LoopCallQueue``): the calls of all the loop's connections in
/// arrival order, Route calls committed to the engine in batches at the end of the loop's read
/// burst (one turn of the engine's sequencer and one journal hand-over for many routes), every other call
/// run in its place between them.
///
/// Two event loops committing big batches back to back would make one wait for the other in the
/// engine's sequencer (with the earlier compare-and-exchange engine, the loser redid its whole batch:
/// measured at 64 connections, 40 µs of CPU per route instead of 22). So the loops keep a shared,
/// advisory `committing` flag: a loop that finds the other one mid-commit puts its batch off for a
/// few tens of microseconds (a timer, not a spin; its event loop keeps serving I/O and the batch keeps
/// growing), a bounded number of times. A commit takes at most `limit` routes, so it lasts about as
/// long as the pauses a waiting loop may take; the rest go in the next turn. The flag is only
/// contention management: the engine's sequencer still orders every commit, and a batch that has been
/// put off enough commits regardless. See docs/ARCHITECTURE.md.
final class CallQueues: Sendable {
    private let loops: [ObjectIdentifier: LoopCallQueue]

    init(group: any EventLoopGroup, engine: @escaping @Sendable () -> RoutingEngine) {
        let committing = ManagedAtomic<Bool>(false)
        var loops: [ObjectIdentifier: LoopCallQueue] = [:]
        for loop in group.makeIterator() {
            loops[ObjectIdentifier(loop)] = LoopCallQueue(eventLoop: loop, committing: committing, engine: engine)
        }
        self.loops = loops
    }

    func queue(on loop: any EventLoop) -> LoopCallQueue {
        loops[ObjectIdentifier(loop)]!
    }
}
