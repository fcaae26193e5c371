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
    let horizon: StreamHorizon
    private let engine: @Sendable () -> RoutingEngine
    private let wakeup: LoopWakeup
    private let subscriberCount = ManagedAtomic<Int>(0)
    private var subscriptions: [ObjectIdentifier: StreamSubscription] = [:]
    /// The same streams by the events they take, kept as streams come and go (rebuilt on every pump,
    /// hashing each stream's rep, it was a tenth of the server's CPU with 100 dialers at depth 1).
    private var index = StreamFanOut.Index()
    /// Numbers each fan-out, for ``StreamFanOut``'s membership marks.
    private var fanOuts = 0

    init(eventLoop: any EventLoop, horizon: StreamHorizon, engine: @escaping @Sendable () -> RoutingEngine) {
        self.eventLoop = eventLoop
        self.horizon = horizon
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
        index.add(subscription)
        subscriberCount.wrappingIncrement(ordering: .relaxed)
        subscription.pump(engine())
    }

    func remove(_ subscription: StreamSubscription) {
        eventLoop.preconditionInEventLoop()
        if subscriptions.removeValue(forKey: ObjectIdentifier(subscription)) != nil {
            index.remove(subscription)
            subscriberCount.wrappingDecrement(ordering: .relaxed)
        }
    }

    /// Streams that stand at the same sequence number (normally all of them) share one read of the
    /// history and get only the events that concern them; a stream alone at its position pumps itself.
    private func pumpAll() {
        let engine = engine()
        // Normally every stream that can send stands at the same position: one group, no hashing.
        var common: [StreamSubscription] = []
        var elsewhere: [UInt64: [StreamSubscription]] = [:]
        for subscription in subscriptions.values where subscription.canSend {
            if common.isEmpty || common[0].lastSeq == subscription.lastSeq {
                common.append(subscription)
            } else {
                elsewhere[subscription.lastSeq, default: []].append(subscription)
            }
        }
        if !common.isEmpty { pump(common, engine: engine) }
        for group in elsewhere.values { pump(group, engine: engine) }
    }

    private func pump(_ group: [StreamSubscription], engine: RoutingEngine) {
        if group.count == 1 {
            group[0].pump(engine)
        } else {
            fanOuts &+= 1
            var fanOut = StreamFanOut(group, index: index, mark: fanOuts)
            fanOut.pump(after: group[0].lastSeq, engine: engine, horizon: horizon)
        }
    }
}
