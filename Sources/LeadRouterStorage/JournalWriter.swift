import Atomics
import Dispatch
import Foundation
import LeadRouterCore
import Logging

/// The single writer: takes events from any number of routing threads without a lock, and commits
/// them to SQLite in sequence order, many per transaction (group commit).
///
/// Producers push batches onto a lock-free stack (`inbox`, compare-and-exchange with
/// acquiring-and-releasing order, so a batch's contents are visible to the writer that pops it) and
/// signal the writer only if it is asleep. The writer pops everything at once, orders it by sequence
/// number, commits the contiguous prefix, then publishes `durableSeq` with a releasing store and calls
/// `onDurable`: whoever reads `durableSeq` with an acquiring load may acknowledge every call whose
/// events are at or below it.
public final class JournalWriter: @unchecked Sendable {
    /// A snapshot encoded on a background thread, handed back to the writer to store.
    final class EncodedSnapshot: AtomicReference, Sendable {
        let seq: UInt64
        let time: Timestamp
        let body: Result<Data, any Error>
        let reason: String
        let started: Date
        init(seq: UInt64, time: Timestamp, body: Result<Data, any Error>, reason: String, started: Date) {
            self.seq = seq
            self.time = time
            self.body = body
            self.reason = reason
            self.started = started
        }
    }

    final class Node: AtomicReference, @unchecked Sendable {
        let events: [EngineEvent]
        let next: Node?
        init(_ events: [EngineEvent], next: Node?) {
            self.events = events
            self.next = next
        }
    }

    public let store: JournalStore
    private let configuration: StorageConfiguration
    private let logger: Logger
    private let inbox = ManagedAtomic<Node?>(nil)
    private let asleep = ManagedAtomic<Bool>(false)
    private let stopping = ManagedAtomic<Bool>(false)
    private let snapshotRequested = ManagedAtomic<Bool>(false)
    /// Set by the encoding thread (releasing, so the writer that takes it sees the whole body).
    private let encodedSnapshot = ManagedAtomic<EncodedSnapshot?>(nil)
    private let wakeUp = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    /// Transactions committed (for group-commit statistics).
    public let commits = ManagedAtomic<Int>(0)
    /// Every event at or below this is committed.
    public let durableSeq: ManagedAtomic<UInt64>
    private let onDurable: @Sendable (UInt64) -> Void
    private let currentState: @Sendable () -> EngineState

    // Writer-thread only.
    private var pending: [UInt64: EngineEvent] = [:]
    private var lastSnapshotSeq: UInt64
    private var lastSnapshotTime = Date()
    private var failure: String?
    private var lastBatchSize = 0
    /// A snapshot is being encoded off this thread; no second one starts until it is stored.
    private var encoding = false

    public init(
        store: JournalStore, configuration: StorageConfiguration, logger: Logger, recoveredSeq: UInt64,
        snapshotSeq: UInt64,
        currentState: @escaping @Sendable () -> EngineState, onDurable: @escaping @Sendable (UInt64) -> Void
    ) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.durableSeq = ManagedAtomic(recoveredSeq)
        self.lastSnapshotSeq = snapshotSeq
        self.currentState = currentState
        self.onDurable = onDurable
    }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "leadrouter-journal"
        thread.start()
    }

    /// Hands events to the writer. Called on the committing thread; never blocks.
    public func submit(_ events: [EngineEvent]) {
        guard !events.isEmpty else { return }
        var head = inbox.load(ordering: .relaxed)
        while true {
            let node = Node(events, next: head)
            let (exchanged, current) = inbox.compareExchange(
                expected: head, desired: node, ordering: .sequentiallyConsistent)
            if exchanged { break }
            head = current
        }
        wakeWriter()
    }

    /// Writes everything submitted so far, takes a final snapshot, and stops the writer thread.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        wakeUp.signal()
        stopped.wait()
    }

    /// A snapshot now (from `leadctl snapshot` or shutdown), after writing what is pending.
    public func requestSnapshot() {
        snapshotRequested.store(true, ordering: .sequentiallyConsistent)
        wakeWriter()
    }

    /// Signals the writer if it announced sleep. Producers publish their work and then read `asleep`,
    /// the writer stores `asleep` and then reads the work: both sides sequentially consistent, so at
    /// least one of them sees the other and no wake-up is lost.
    private func wakeWriter() {
        if asleep.exchange(false, ordering: .sequentiallyConsistent) { wakeUp.signal() }
    }

    private func run() {
        while true {
            drain()
            storeEncodedSnapshot()
            if stopping.load(ordering: .acquiring) {
                drain()
                snapshot(reason: "shutdown")
                stopped.signal()
                return
            }
            if !encoding {
                if snapshotRequested.exchange(false, ordering: .acquiringAndReleasing) {
                    startSnapshot(reason: "requested")
                } else if dueForSnapshot() {
                    startSnapshot(reason: "periodic")
                }
            }
            // Announce sleep before the last look at the inbox: a producer that pushes after that
            // look sees `asleep` and signals, so no batch waits for the timeout.
            asleep.store(true, ordering: .sequentiallyConsistent)
            if inbox.load(ordering: .sequentiallyConsistent) != nil || stopping.load(ordering: .acquiring)
                || (!encoding && snapshotRequested.load(ordering: .acquiring))
                || encodedSnapshot.load(ordering: .sequentiallyConsistent) != nil
            {
                asleep.store(false, ordering: .relaxed)
                continue
            }
            _ = wakeUp.wait(timeout: .now() + .milliseconds(500))
            asleep.store(false, ordering: .releasing)
            // Under load, wait a moment so the next transaction carries more events; when traffic is
            // light (small last batch), commit at once so a lone call is not delayed.
            if configuration.groupCommitWindowMicroseconds > 0 && lastBatchSize >= 4 {
                usleep(UInt32(configuration.groupCommitWindowMicroseconds))
            }
        }
    }

    /// Commits every contiguous event that has arrived.
    private func drain() {
        var node = inbox.exchange(nil, ordering: .acquiringAndReleasing)
        while let current = node {
            for event in current.events { pending[event.seq] = event }
            node = current.next
        }
        var next = durableSeq.load(ordering: .relaxed) + 1
        while pending[next] != nil {
            var batch: [EngineEvent] = []
            while batch.count < configuration.maxBatchEvents, let event = pending.removeValue(forKey: next) {
                batch.append(event)
                next += 1
            }
            do {
                try store.append(batch)
            } catch {
                // Without the journal nothing more can be acknowledged; keep the events and retry.
                if failure == nil {
                    logger.critical(
                        "journal write failed; calls are not being acknowledged", metadata: ["error": "\(error)"])
                }
                failure = "\(error)"
                for event in batch { pending[event.seq] = event }
                Thread.sleep(forTimeInterval: 0.1)
                return
            }
            failure = nil
            lastBatchSize = batch.count
            commits.wrappingIncrement(ordering: .relaxed)
            durableSeq.store(batch.last!.seq, ordering: .releasing)
            onDurable(batch.last!.seq)
        }
    }

    private func dueForSnapshot() -> Bool {
        let durable = durableSeq.load(ordering: .relaxed)
        guard durable > lastSnapshotSeq else { return false }
        return durable - lastSnapshotSeq >= configuration.snapshotEveryEvents
            || Date().timeIntervalSince(lastSnapshotTime) >= configuration.snapshotEverySeconds
    }

    /// Starts a snapshot without stopping the journal: the state (an immutable value) is encoded on
    /// another thread while this one keeps committing and acknowledging; the writer stores the result
    /// when it is handed back. Encoding is most of a snapshot's time (seconds for a million
    /// assignments), and holding every acknowledgement for it would stall all durable calls.
    private func startSnapshot(reason: String) {
        guard let state = durableState() else { return }
        encoding = true
        let started = Date()
        DispatchQueue.global(qos: .utility).async { [self] in
            encodedSnapshot.store(
                Self.encode(state, reason: reason, started: started), ordering: .sequentiallyConsistent)
            wakeWriter()
        }
    }

    private static func encode(_ state: EngineState, reason: String, started: Date) -> EncodedSnapshot {
        EncodedSnapshot(
            seq: state.lastSeq, time: state.lastTime, body: Result { try EventCodec.encode(state.snapshot) },
            reason: reason, started: started)
    }

    /// Stores a snapshot the encoding thread finished.
    private func storeEncodedSnapshot() {
        guard let encoded = encodedSnapshot.exchange(nil, ordering: .acquiring) else { return }
        encoding = false
        store(encoded)
    }

    /// Stores an encoded snapshot, then compacts the journal behind it.
    private func store(_ encoded: EncodedSnapshot) {
        do {
            try store.insertSnapshot(seq: encoded.seq, body: try encoded.body.get(), at: encoded.time)
            try store.compact(retained: configuration.retainedEvents)
            lastSnapshotSeq = encoded.seq
            lastSnapshotTime = Date()
            logger.info(
                "snapshot written",
                metadata: [
                    "reason": "\(encoded.reason)", "seq": "\(encoded.seq)",
                    "seconds": "\(Date().timeIntervalSince(encoded.started))",
                ])
        } catch {
            lastSnapshotTime = Date()
            logger.error("snapshot failed", metadata: ["error": "\(error)"])
        }
    }

    /// The current state once every one of its events is in the journal (writing what is pending to
    /// get there), so a snapshot is never ahead of the journal; `nil` if that does not happen soon or
    /// nothing changed since the last snapshot.
    private func durableState() -> EngineState? {
        var state = currentState()
        for _ in 0..<1000 where state.lastSeq > durableSeq.load(ordering: .relaxed) {
            drain()
            if state.lastSeq > durableSeq.load(ordering: .relaxed) { usleep(1000) }
        }
        if state.lastSeq > durableSeq.load(ordering: .relaxed) { state = currentState() }
        guard state.lastSeq <= durableSeq.load(ordering: .relaxed), state.lastSeq > lastSnapshotSeq else { return nil }
        return state
    }

    /// Snapshots a state whose every event is already in the journal, then compacts, on this thread
    /// (at shutdown, when nothing else is left to do).
    private func snapshot(reason: String) {
        guard let state = durableState() else { return }
        store(Self.encode(state, reason: reason, started: Date()))
    }
}
