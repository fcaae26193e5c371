import Atomics

/// The routing engine: the current ``EngineState`` published through one atomic reference.
///
/// Every command loads the current state (acquiring), computes the new state and its events on a
/// private copy, and publishes it with a compare-and-exchange (acquiring-and-releasing). If another
/// command committed first, the exchange fails and the command runs again on the newer state. No lock is
/// taken and no thread is woken: the calling thread (a connection's event loop) does all the work, and
/// some command always completes (lock-free). Readers simply load the reference and see a consistent
/// snapshot. See `docs/ARCHITECTURE.md` for why the invariants hold.
public final class RoutingEngine: Sendable {
    final class StateBox: AtomicReference, Sendable {
        let state: EngineState
        init(_ state: EngineState) { self.state = state }
    }

    public let configuration: EngineConfiguration
    public let clock: any EngineClock
    private let current: ManagedAtomic<StateBox>
    private let history: EventHistory
    private let sink: (@Sendable ([EngineEvent]) -> Void)?

    /// - Parameter eventSink: called on the committing thread with each command's events, after they
    ///   are visible in ``state``. Calls from different threads may arrive out of sequence order.
    public init(
        configuration: EngineConfiguration = .defaults, clock: any EngineClock = SystemClock(),
        state: EngineState = EngineState(), eventSink: (@Sendable ([EngineEvent]) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.clock = clock
        self.current = ManagedAtomic(StateBox(state))
        self.history = EventHistory(capacity: configuration.historyCapacity, base: state.lastSeq)
        self.sink = eventSink
    }

    /// A consistent snapshot of everything, free to keep and read at leisure.
    public var state: EngineState { current.load(ordering: .acquiring).state }

    /// Runs a command until it commits on an unchanged state; returns its result and events.
    @discardableResult
    func commit<Result>(_ command: (inout Transaction) throws -> Result) rethrows -> (Result, [EngineEvent]) {
        while true {
            let base = current.load(ordering: .acquiring)
            var transaction = Transaction(state: base.state, now: clock.now(), configuration: configuration)
            let result = try command(&transaction)
            if transaction.events.isEmpty { return (result, []) }
            let next = StateBox(transaction.state)
            if current.compareExchange(expected: base, desired: next, ordering: .acquiringAndReleasing).exchanged {
                history.publish(transaction.events)
                sink?(transaction.events)
                return (result, transaction.events)
            }
        }
    }

    /// The oldest sequence number still in the in-memory history (1 while nothing was dropped).
    public var oldestRetainedSeq: UInt64 {
        let last = state.lastSeq
        let capacity = UInt64(history.capacity)
        return max(history.base + 1, last >= capacity ? last - capacity + 1 : 1)
    }

    /// Recent events after `seq`, in order; `nil` if they are not (or no longer) in the in-memory
    /// history, which starts after the state the engine was created with.
    public func events(after seq: UInt64, limit: Int = 1024) -> [EngineEvent]? {
        history.events(after: seq, limit: limit)
    }
}
