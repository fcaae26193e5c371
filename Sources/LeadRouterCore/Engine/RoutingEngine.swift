import Atomics

/// The routing engine: one ``EngineState`` changed in place by a ``Sequencer``, and an immutable copy
/// of it published through an atomic reference for readers.
///
/// Commands run one at a time on the caller's own thread (or, when another thread is running commands
/// at that moment, on that thread), directly on the state: since nothing else holds its persistent
/// maps, a change rewrites the touched nodes in place instead of copying their paths, and there is no
/// old state to free. Readers ask for ``state``; if commands ran since the last publication, the copy
/// is published first (which only shares the nodes: the next change to each copies that path once).
/// No lock is taken and no thread is woken. See `docs/ARCHITECTURE.md` for why the invariants hold.
public final class RoutingEngine: Sendable {
    final class StateBox: AtomicReference, Sendable {
        let state: EngineState
        init(_ state: EngineState) { self.state = state }
    }

    public let configuration: EngineConfiguration
    public let clock: any EngineClock
    private let writer: Sequencer<EngineState>
    private let published: ManagedAtomic<StateBox>
    /// The last sequence number committed, stored by the writer before a command returns.
    private let committed: ManagedAtomic<UInt64>
    private let history: EventHistory
    private let sink: (@Sendable ([EngineEvent]) -> Void)?

    /// - Parameter eventSink: called with each command's events on the caller's thread once the command
    ///   has run, before it returns. Outside the sequencer, so a slow sink (the journal may commit to
    ///   SQLite right there) never holds up other commands; calls from different threads may therefore
    ///   arrive out of sequence order.
    public init(
        configuration: EngineConfiguration = .defaults, clock: any EngineClock = SystemClock(),
        state: EngineState = EngineState(), eventSink: (@Sendable ([EngineEvent]) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.clock = clock
        self.writer = Sequencer(state)
        self.published = ManagedAtomic(StateBox(state))
        self.committed = ManagedAtomic(state.lastSeq)
        self.history = EventHistory(capacity: configuration.historyCapacity, base: state.lastSeq)
        self.sink = eventSink
    }

    /// A consistent snapshot of everything, including every command that returned before this call;
    /// free to keep and read at leisure.
    public var state: EngineState {
        let box = published.load(ordering: .acquiring)
        if box.state.lastSeq == committed.load(ordering: .acquiring) { return box.state }
        return writer.run { state in
            published.store(StateBox(state), ordering: .releasing)
            return state
        }
    }

    /// Reads the latest state in its turn, without publishing a snapshot: for a point read right
    /// after a command (a rep's state, one assignment), which through ``state`` would publish the
    /// working state and make the next commands copy every path they touch. Keep `body` short;
    /// commands wait while it runs. Scans and long reads belong on ``state``.
    public func read<Result>(_ body: (EngineState) -> Result) -> Result {
        writer.run { state in body(state) }
    }

    /// The sequence number of the last event committed (what ``state`` would show), without
    /// publishing a snapshot.
    public var lastSeq: UInt64 { committed.load(ordering: .acquiring) }

    /// Runs a command on the state in place; returns its result and events.
    ///
    /// Commands validate before they change anything, so one that throws has emitted no event and left
    /// the state as it was (the SLA index may have been trimmed, which is not part of its identity).
    @discardableResult
    func commit<Result, Failure: Error>(_ command: (inout Transaction) throws(Failure) -> Result) throws(Failure) -> (
        Result, [EngineEvent]
    ) {
        let outcome: Swift.Result<(Result, [EngineEvent]), Failure> = writer.run { state in
            let (result, events) = Transaction.run(on: &state, now: clock.now(), configuration: configuration) {
                transaction -> (Swift.Result<Result, Failure>, [EngineEvent]) in
                do throws(Failure) {
                    return (.success(try command(&transaction)), transaction.events)
                } catch {
                    return (.failure(error), transaction.events)
                }
            }
            if case .failure = result { assert(events.isEmpty, "a command threw after changing the state") }
            if !events.isEmpty {
                committed.store(state.lastSeq, ordering: .releasing)
                history.publish(events)
            }
            return result.map { ($0, events) }
        }
        let (result, events) = try outcome.get()
        if !events.isEmpty { sink?(events) }
        return (result, events)
    }

    /// The oldest sequence number still in the in-memory history (1 while nothing was dropped).
    public var oldestRetainedSeq: UInt64 {
        let last = lastSeq
        let capacity = UInt64(history.capacity)
        return max(history.base + 1, last >= capacity ? last - capacity + 1 : 1)
    }

    /// Recent events after `seq`, in order; `nil` if they are not (or no longer) in the in-memory
    /// history, which starts after the state the engine was created with.
    public func events(after seq: UInt64, limit: Int = 1024) -> [EngineEvent]? {
        history.events(after: seq, limit: limit)
    }
}
