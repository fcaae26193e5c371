import Atomics
import LeadRouterCore
import NIOCore

/// Wakes the event loops that have assignment streams when there are new events for them: when the
/// engine commits events, or, if streams wait for the journal (``StreamHorizon``), when it holds them.
///
/// `notify` is called on the committing thread. Each loop is woken at most once per burst
/// (see ``LoopStreams``), so routing pays one atomic exchange per loop with subscribers, never a wait.
final class StreamHub: Sendable {
    private let loops: [ObjectIdentifier: LoopStreams]
    let horizon: StreamHorizon

    init(group: any EventLoopGroup, horizon: StreamHorizon, engine: @escaping @Sendable () -> RoutingEngine) {
        self.horizon = horizon
        var loops: [ObjectIdentifier: LoopStreams] = [:]
        for loop in group.makeIterator() {
            loops[ObjectIdentifier(loop)] = LoopStreams(eventLoop: loop, horizon: horizon, engine: engine)
        }
        self.loops = loops
    }

    func streams(on loop: any EventLoop) -> LoopStreams {
        loops[ObjectIdentifier(loop)]!
    }

    var openStreams: Int { loops.values.reduce(0) { $0 + $1.count } }

    func notify() {
        for loop in loops.values { loop.wake() }
    }
}
