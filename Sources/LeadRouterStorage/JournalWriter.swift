import Atomics
import Dispatch
import Foundation
import LeadRouterCore
import Logging

/// The single writer: takes events from any number of routing threads without a lock, and commits
/// them to SQLite in sequence order, many per transaction (group commit).
///
/// Producers push batches onto a lock-free stack (`inbox`, a ``PushStack``: sequentially consistent,
/// so a batch's contents are visible to the writer that takes it) and
/// signal the writer only if it is asleep. The writer pops everything at once, orders it by sequence
/// number, commits the contiguous prefix, then publishes `durableSeq` (sequentially consistent, see
/// `drain`) and calls `onDurable`: whoever reads `durableSeq` with an acquiring load may acknowledge every call whose
/// events are at or below it.
///
/// Waking an idle writer costs a lone call two thread hand-offs (a futex wake, then a hop back to the
/// caller's event loop to acknowledge), tens of microseconds. So a producer that finds the writer
/// asleep commits the journal itself, on its own thread, if it can take the `draining` role (and
/// commits do not wait for a disk flush); under load the writer is awake and commits for everyone. Only the holder of `draining` touches the
/// writer's private state (`pending` and friends): taking it is an acquiring compare-and-exchange and
/// giving it back a releasing (sequentially consistent) store, so each holder sees the last one's
/// changes.
public final class JournalWriter: @unchecked Sendable {
    /// A snapshot encoded on a background thread, handed back to the writer to store.
    final class EncodedSnapshot: AtomicReference, Sendable {
        let seq: UInt64
        let time: Timestamp
        let body: Result<SnapshotBody, any Error>
        let reason: String
        let started: Date
        init(seq: UInt64, time: Timestamp, body: Result<SnapshotBody, any Error>, reason: String, started: Date) {
            self.seq = seq
            self.time = time
            self.body = body
            self.reason = reason
            self.started = started
        }
    }

    public let store: JournalStore
    private let configuration: StorageConfiguration
    private let logger: Logger
    private let inbox = PushStack<[EngineEvent]>()
    private let asleep = ManagedAtomic<Bool>(false)
    private let stopping = ManagedAtomic<Bool>(false)
    private let snapshotRequested = ManagedAtomic<Bool>(false)
    /// Events in the last transaction (read by the writer thread outside `draining`, hence atomic).
    private let lastBatchSize = ManagedAtomic<Int>(0)
    /// Held by whoever is committing: the writer thread, or a producer committing inline.
    private let draining = ManagedAtomic<Bool>(false)
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

    // Touched only by the holder of `draining`, or the writer thread for the snapshot fields.
    private var pending: [UInt64: EngineEvent] = [:]
    private var schedule: SnapshotSchedule
    private var failure: String?
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
        self.schedule = SnapshotSchedule(
            everyEvents: configuration.snapshotEveryEvents, everySeconds: configuration.snapshotEverySeconds,
            lastSeq: snapshotSeq)
        self.currentState = currentState
        self.onDurable = onDurable
    }

    public func start() {
        StorageThread.start(named: "lr-journal") { [self] in run() }
    }

    /// Hands events to the writer. Called on the committing thread. With `durability: sync` (no fsync)
    /// it returns once they are committed (``commitOrWait(through:)``); otherwise it never waits for
    /// another thread, and commits them here and now when the writer is idle instead of waking it.
    public func submit(_ events: [EngineEvent]) {
        guard let last = events.last?.seq else { return }
        inbox.push(events)
        // With `fsync: true` every commit waits for the disk (milliseconds): that stays off the
        // caller's thread, an event loop serving other connections.
        if configuration.fsync {
            wakeWriter()
        } else if producersWait {
            commitOrWait(through: last)
        } else if !(asleep.load(ordering: .sequentiallyConsistent) && drainIfFree(onWriterThread: false) == true) {
            wakeWriter()
        }
    }

    /// Returns once every event through `seq` is committed, committing them on this thread whenever
    /// nobody else is. With `durability: sync` the caller's replies wait for these events anyway, and a
    /// commit without fsync takes microseconds: waiting here for whoever commits costs less than the
    /// two thread hand-offs of the writer thread (wake it, then wake this event loop to release the
    /// replies), tens of microseconds of CPU. After a bounded wait (a committer that is descheduled,
    /// or a journal that fails) the writer thread takes over and the replies wait in the gate.
    private func commitOrWait(through seq: UInt64) {
        var attempts = 0
        while durableSeq.load(ordering: .acquiring) < seq {
            // `false`: the journal failed; the writer thread retries.
            if drainIfFree(onWriterThread: false) == false { break }
            if durableSeq.load(ordering: .acquiring) >= seq { return }
            attempts += 1
            if attempts > Self.waitAttempts { break }
            if attempts > 64 { sched_yield() }
        }
        if durableSeq.load(ordering: .acquiring) < seq { wakeWriter() }
    }

    /// How long ``commitOrWait(through:)`` waits before handing over: 64 spins, then about 4,000
    /// yields of the core (a few milliseconds when the other threads are busy).
    private static var waitAttempts: Int { 4096 }

    /// Drains if nobody else holds the role: whether everything committed, or `nil` if it was taken.
    @discardableResult
    private func drainIfFree(onWriterThread: Bool) -> Bool? {
        guard beginDraining() else { return nil }
        defer { endDraining() }
        return drain(onWriterThread: onWriterThread)
    }

    private func beginDraining() -> Bool {
        draining.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged
    }

    /// Gives the role back. The writer goes to sleep rather than wait while someone else drains, so
    /// work that arrived meanwhile is handed to it: it stores `asleep` and then reads `draining` and
    /// the inbox, this reads the inbox and then `asleep` (all sequentially consistent), so one of the
    /// two sees the other.
    private func endDraining() {
        draining.store(false, ordering: .sequentiallyConsistent)
        // Producers that wait (``commitOrWait(through:)``) commit their own work or wake the writer.
        if !inbox.isEmpty && !producersWait { wakeWriter() }
    }

    private var producersWait: Bool { configuration.durability == .sync && !configuration.fsync }

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
            drainIfFree(onWriterThread: true)
            storeEncodedSnapshot()
            if stopping.load(ordering: .acquiring) {
                while !beginDraining() { usleep(100) }
                drain(onWriterThread: true)
                endDraining()
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
            let inboxWaiting =
                !inbox.isEmpty
                && !draining.load(ordering: .sequentiallyConsistent)
            if inboxWaiting || stopping.load(ordering: .acquiring)
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
            if configuration.groupCommitWindowMicroseconds > 0 && lastBatchSize.load(ordering: .relaxed) >= 4 {
                usleep(UInt32(configuration.groupCommitWindowMicroseconds))
            }
        }
    }

    /// Commits every contiguous event that has arrived; the caller holds `draining`. Returns `false`
    /// if the journal could not be written (the events stay pending; the writer thread retries, with
    /// a pause that a producer's thread must never take).
    @discardableResult
    private func drain(onWriterThread: Bool) -> Bool {
        for batch in inbox.takeAll() {
            for event in batch { pending[event.seq] = event }
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
                if onWriterThread { Thread.sleep(forTimeInterval: 0.1) }
                return false
            }
            failure = nil
            lastBatchSize.store(batch.count, ordering: .relaxed)
            commits.wrappingIncrement(ordering: .relaxed)
            // Sequentially consistent, not only releasing: the durability gate counts a held reply and
            // then reads `durableSeq`, while `onDurable` reads that count after this store. A releasing
            // store could still sit in this core's store buffer when the count is read, and both sides
            // would miss each other: a reply held until the next commit.
            durableSeq.store(batch.last!.seq, ordering: .sequentiallyConsistent)
            onDurable(batch.last!.seq)
        }
        return true
    }

    private func dueForSnapshot() -> Bool {
        schedule.isDue(durable: durableSeq.load(ordering: .relaxed))
    }

    /// Starts a snapshot without stopping the journal: the state (an immutable value) is encoded on
    /// another thread while this one keeps committing and acknowledging; the writer stores the result
    /// when it is handed back. Encoding is most of a snapshot's time (seconds for a million
    /// assignments), and holding every acknowledgement for it would stall all durable calls.
    private func startSnapshot(reason: String) {
        guard let state = durableState() else { return }
        encoding = true
        schedule.started(records: state.assignments.count)
        let started = Date()
        // A thread of its own, not a shared queue's: its lower priority stays with it, and the
        // encoders it starts inherit it.
        StorageThread.start(named: "lr-snapshot", background: true) { [self] in
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
            try store.insertSnapshot(seq: encoded.seq, body: try encoded.body.get(), at: encoded.time) {
                drainIfFree(onWriterThread: true)
            }
            try store.compact(retained: configuration.retainedEvents)
            schedule.finished(seq: encoded.seq)
            logger.info(
                "snapshot written",
                metadata: [
                    "reason": "\(encoded.reason)", "seq": "\(encoded.seq)",
                    "seconds": "\(Date().timeIntervalSince(encoded.started))",
                ])
        } catch {
            schedule.finished(seq: nil)
            logger.error("snapshot failed", metadata: ["error": "\(error)"])
        }
    }

    /// The current state once every one of its events is in the journal (writing what is pending to
    /// get there), so a snapshot is never ahead of the journal; `nil` if that does not happen soon or
    /// nothing changed since the last snapshot.
    private func durableState() -> EngineState? {
        var state = currentState()
        for _ in 0..<1000 where state.lastSeq > durableSeq.load(ordering: .relaxed) {
            drainIfFree(onWriterThread: true)
            if state.lastSeq > durableSeq.load(ordering: .relaxed) { usleep(1000) }
        }
        if state.lastSeq > durableSeq.load(ordering: .relaxed) { state = currentState() }
        guard state.lastSeq <= durableSeq.load(ordering: .relaxed), state.lastSeq > schedule.lastSeq else { return nil }
        return state
    }

    /// Snapshots a state whose every event is already in the journal, then compacts, on this thread
    /// (at shutdown, when nothing else is left to do).
    private func snapshot(reason: String) {
        guard let state = durableState() else { return }
        store(Self.encode(state, reason: reason, started: Date()))
    }
}
