import Atomics
import LeadRouterCore
import NIOCore

/// The assignment streams served by one event loop.
///
/// `subscriptions` is touched only on `eventLoop`. `wake` may be called from any thread; a burst of
/// routes costs one pump on this loop (see ``LoopWakeup``), and the pump reads the engine's history
/// after the wake-up flag is cleared, so no event is left unsent.
final class LoopStreams: @unchecked Sendable {
    let eventLoop: any EventLoop
    private let engine: @Sendable () -> RoutingEngine
    private let wakeup: LoopWakeup
    private let subscriberCount = ManagedAtomic<Int>(0)
    private var subscriptions: [ObjectIdentifier: StreamSubscription] = [:]

    init(eventLoop: any EventLoop, engine: @escaping @Sendable () -> RoutingEngine) {
        self.eventLoop = eventLoop
        self.engine = engine
        self.wakeup = LoopWakeup(eventLoop: eventLoop)
    }

    var count: Int { subscriberCount.load(ordering: .relaxed) }

    func wake() {
        guard subscriberCount.load(ordering: .relaxed) > 0 else { return }
        wakeup.request { self.pumpAll() }
    }

    func add(_ subscription: StreamSubscription) {
        eventLoop.preconditionInEventLoop()
        subscriptions[ObjectIdentifier(subscription)] = subscription
        subscriberCount.wrappingIncrement(ordering: .relaxed)
        subscription.pump(engine())
    }

    func remove(_ subscription: StreamSubscription) {
        eventLoop.preconditionInEventLoop()
        if subscriptions.removeValue(forKey: ObjectIdentifier(subscription)) != nil {
            subscriberCount.wrappingDecrement(ordering: .relaxed)
        }
    }

    /// Streams that stand at the same sequence number (normally all of them) share one read of the
    /// history and get only the events that concern them; a stream alone at its position pumps itself.
    private func pumpAll() {
        let engine = engine()
        var positions: [UInt64: [StreamSubscription]] = [:]
        for subscription in subscriptions.values where subscription.canSend {
            positions[subscription.lastSeq, default: []].append(subscription)
        }
        for (after, group) in positions {
            if group.count == 1 {
                group[0].pump(engine)
            } else {
                var fanOut = StreamFanOut(group)
                fanOut.pump(after: after, engine: engine)
            }
        }
    }
}
