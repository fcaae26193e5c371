import Atomics
import LeadRouterCore
import NIOCore

/// The assignment streams served by one event loop.
///
/// `subscriptions` is touched only on `eventLoop`. `wake` may be called from any thread: the first
/// caller flips `pending` (acquiring-and-releasing exchange) and schedules one pump; later callers see
/// it already set and return. The pump clears `pending` (releasing) *before* reading the engine's
/// history, so an event published after that read finds `pending` clear and schedules another pump:
/// no event is left unsent, and a burst of routes costs one hop to this loop, not one per route.
final class LoopStreams: @unchecked Sendable {
    let eventLoop: any EventLoop
    private let engine: @Sendable () -> RoutingEngine
    private let pending = ManagedAtomic<Bool>(false)
    private let subscriberCount = ManagedAtomic<Int>(0)
    private var subscriptions: [ObjectIdentifier: StreamSubscription] = [:]

    init(eventLoop: any EventLoop, engine: @escaping @Sendable () -> RoutingEngine) {
        self.eventLoop = eventLoop
        self.engine = engine
    }

    var count: Int { subscriberCount.load(ordering: .relaxed) }

    func wake() {
        guard subscriberCount.load(ordering: .relaxed) > 0 else { return }
        guard !pending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        eventLoop.execute { self.pumpAll() }
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

    private func pumpAll() {
        pending.store(false, ordering: .releasing)
        let engine = engine()
        for subscription in subscriptions.values { subscription.pump(engine) }
    }
}
