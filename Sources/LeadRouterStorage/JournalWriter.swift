import Atomics
import Dispatch
import Foundation
import LeadRouterCore
import Logging

/// The single writer: takes events from any number of routing threads without a lock, and commits
/// them to SQLite in sequence order, many per transaction (group commit).
///
/// Producers push batches onto a lock-free stack (`inbox`, a ``PushStack``: sequentially consistent,
/// so a batch's contents are visible to the writer that takes it) and signal the writer only if it is
/// asleep. Whoever commits pops everything at once, orders the batches by sequence number, commits
/// the contiguous prefix, then publishes `durableSeq` (sequentially consistent, see `drain`) and calls
/// `onDurable`: whoever reads `durableSeq` with an acquiring load may acknowledge every call whose
/// events are at or below it.
///
/// Waking an idle writer costs a lone call two thread hand-offs (a futex wake, then a hop back to the
/// caller's event loop to acknowledge), tens of microseconds. So a producer with a few events commits
/// the journal itself, on its own thread, if it can take the `draining` role (and commits do not wait
/// for a disk flush); large batches, which come with more calls queued behind them, go to the writer
/// thread (``submit(_:)``). Only the holder of `draining` touches the writer's private state
/// (`pending` and friends): taking it is a sequentially consistent compare-and-exchange and giving it
/// back a sequentially consistent store, so each holder sees the last one's changes.
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
    /// Whether the last commit failed (a full disk, a file-size limit, an I/O error).
    public let outage = JournalOutage()
    private let onDurable: @Sendable (UInt64) -> Void
    private let onFailing: @Sendable () -> Void
    private let currentState: @Sendable () -> EngineState
    /// How many assignments the state holds, read without publishing it (see ``SnapshotSchedule``).
    private let currentRecords: @Sendable () -> Int

    // Touched only by the holder of `draining`, or the writer thread for the snapshot fields.
    /// Batches handed in and not yet committed, by their first sequence number.
    private var pending: [UInt64: [EngineEvent]] = [:]
    private var schedule: SnapshotSchedule
    /// A snapshot is being encoded off this thread; no second one starts until it is stored.
    private var encoding = false

    public init(
        store: JournalStore, configuration: StorageConfiguration, logger: Logger, recoveredSeq: UInt64,
        snapshotSeq: UInt64, recoveredRecords: Int,
        currentState: @escaping @Sendable () -> EngineState, currentRecords: @escaping @Sendable () -> Int,
        onFailing: @escaping @Sendable () -> Void = {}, onDurable: @escaping @Sendable (UInt64) -> Void
    ) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.durableSeq = ManagedAtomic(recoveredSeq)
        self.schedule = SnapshotSchedule(
            everyEvents: configuration.snapshotEveryEvents, everySeconds: configuration.snapshotEverySeconds,
            lastSeq: snapshotSeq, records: recoveredRecords)
        self.currentState = currentState
        self.currentRecords = currentRecords
        self.onDurable = onDurable
        self.onFailing = onFailing
    }

    public func start() {
        StorageThread.start(named: "lr-journal") { [self] in run() }
    }

    /// Hands events to the writer. Called on the committing thread; never waits for another thread.
    ///
    /// - `fsync: true`: the writer thread commits. Each commit waits milliseconds for the disk, which
    ///   stays off the caller's thread, an event loop serving other connections.
    /// - `durability: sync`: the caller's replies wait in the durability gate until these events are
    ///   committed. Fewer than ``handOffFrom`` are committed here and now, unless someone else is
    ///   committing and then commits them too (``drainIfFree(onWriterThread:)``): waking the writer
    ///   and being woken back would cost two thread hand-offs, more than a small commit. More come
    ///   from a loop with a pipeline of calls behind them, which goes on decoding and routing while
    ///   the writer thread commits on another core.
    /// - Otherwise (`async`): committed here when the writer is idle instead of waking it.
    public func submit(_ events: [EngineEvent]) {
        guard !events.isEmpty else { return }
        inbox.push(events)
        if configuration.fsync {
            wakeWriter()
        } else if configuration.durability == .sync {
            if events.count >= Self.handOffFrom {
                wakeWriter()
            } else {
                drainIfFree(onWriterThread: false)
            }
        } else if !(asleep.load(ordering: .sequentiallyConsistent) && drainIfFree(onWriterThread: false) == true) {
            wakeWriter()
        }
    }

    /// The smallest batch handed to the writer thread under `durability: sync`. A loop commits at
    /// most 32 routes at a time, and half that or more at once only when calls queue behind them
    /// (many connections, or pipelined ones); one pipelined connection commits 8 at a time and waits
    /// for them, so it keeps committing inline. Alternating runs, durable 8 × 16: 93–110k →
    /// 101–123k routes/s, 64 × 16: 81–100k → 97–122k; 1 × 16, 8 × 1 and 64 × 1 within noise
    /// (docs/PERFORMANCE.md, item 104).
    static let handOffFrom = 16

    /// Drains if nobody else holds the role, and again while more arrived meanwhile: whether
    /// everything committed, or `nil` if the role was taken.
    ///
    /// A producer that finds the role taken returns without waiting (its replies wait in the gate):
    /// waiting would keep its event loop from decoding and routing while another thread commits, and
    /// on a small machine that loop is most of a durable server's throughput. Its events are not
    /// stranded: it pushed them, then read `draining` as taken; the holder stores `draining` false and
    /// then reads the inbox (all sequentially consistent), so the holder sees them and drains again,
    /// or someone who took the role after that store does. The rounds are bounded so that a producer
    /// is not kept committing for the others forever; past the bound the writer thread takes over.
    @discardableResult
    private func drainIfFree(onWriterThread: Bool) -> Bool? {
        guard beginDraining() else { return nil }
        var rounds = 1
        while true {
            let committed = drain(onWriterThread: onWriterThread)
            endDraining()
            if !committed {
                if !onWriterThread { wakeWriter() }
                return false
            }
            if inbox.isEmpty { return true }
            if rounds == Self.drainRounds {
                if !onWriterThread { wakeWriter() }
                return true
            }
            // Taken: the new holder drains what is waiting.
            guard beginDraining() else { return true }
            rounds += 1
        }
    }

    /// How many times a holder drains what arrived during its own drain before handing over.
    private static var drainRounds: Int { 4 }

    private func beginDraining() -> Bool {
        draining.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged
    }

    /// Gives the role back. The writer goes to sleep rather than wait while someone else drains; it
    /// stores `asleep` and then reads `draining` and the inbox, and the holder reads the inbox after
    /// this store (``drainIfFree(onWriterThread:)``), all sequentially consistent, so one of the two
    /// sees the other.
    private func endDraining() {
        draining.store(false, ordering: .sequentiallyConsistent)
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
            drainIfFree(onWriterThread: true)
            storeEncodedSnapshot()
            if stopping.load(ordering: .acquiring) {
                while !beginDraining() { usleep(100) }
                drain(onWriterThread: true)
                endDraining()
                if let problem = outage.problem {
                    logger.error(
                        "stopping with events the journal could not take; their calls were answered UNAVAILABLE",
                        metadata: ["events": "\(pending.values.reduce(0) { $0 + $1.count })", "error": "\(problem)"])
                }
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
            // A failing journal is retried every 0.2 s (with the pause in `drain`): changes are refused
            // meanwhile, so no producer comes to wake the writer.
            let idle = outage.isFailing ? 100 : configuration.idleWakeMilliseconds
            _ = wakeUp.wait(timeout: .now() + .milliseconds(idle))
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
    ///
    /// Each submitted batch is one command's events, numbered without a gap, so batches are kept
    /// whole, by their first sequence number: filing and taking every event on its own copied it twice
    /// and hashed it twice.
    @discardableResult
    private func drain(onWriterThread: Bool) -> Bool {
        for batch in inbox.takeAll() { pending[batch[0].seq] = batch }
        var next = durableSeq.load(ordering: .relaxed) + 1
        while pending[next] != nil {
            var batches: [[EngineEvent]] = []
            var count = 0
            while count < configuration.maxBatchEvents, let batch = pending.removeValue(forKey: next) {
                batches.append(batch)
                count += batch.count
                next += UInt64(batch.count)
            }
            do {
                try store.append(batches.joined())
            } catch {
                // Without the journal nothing more can be acknowledged; keep the events and retry.
                if outage.failed(error) {
                    logger.critical(
                        "journal write failed; changes are refused and held calls answered UNAVAILABLE until it can be written",
                        metadata: ["error": "\(error)"])
                }
                onFailing()
                for batch in batches { pending[batch[0].seq] = batch }
                if onWriterThread { Thread.sleep(forTimeInterval: 0.1) }
                return false
            }
            if let seconds = outage.succeeded() {
                logger.notice(
                    "journal writes again; changes are accepted",
                    metadata: ["failed_for_seconds": "\(seconds)", "first_seq": "\(batches[0][0].seq)"])
            }
            lastBatchSize.store(count, ordering: .relaxed)
            commits.wrappingIncrement(ordering: .relaxed)
            // Sequentially consistent, not only releasing: the durability gate counts a held reply and
            // then reads `durableSeq`, while `onDurable` reads that count after this store. A releasing
            // store could still sit in this core's store buffer when the count is read, and both sides
            // would miss each other: a reply held until the next commit.
            durableSeq.store(next - 1, ordering: .sequentiallyConsistent)
            onDurable(next - 1)
        }
        return true
    }

    private func dueForSnapshot() -> Bool {
        schedule.isDue(durable: durableSeq.load(ordering: .relaxed), records: currentRecords)
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
        // While the journal fails, what it holds is all a snapshot could be, and that is stored.
        for _ in 0..<1000 where state.lastSeq > durableSeq.load(ordering: .relaxed) && !outage.isFailing {
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
