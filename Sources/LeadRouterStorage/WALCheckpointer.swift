import Atomics
import Dispatch
import Foundation
import GRDB
import Logging

/// Copies the write-ahead log back into the database file on its own thread and its own connection,
/// so that journal commits do not wait for the bulk of it.
///
/// SQLite's automatic checkpoint ran inside whichever commit crossed its threshold: at depth 16 it
/// copied 50-60 MB back while every durable reply waited, 80-120 ms four times in five seconds.
/// Here passive checkpoints run beside the commits (SQLite lets a checkpointer and a writer work at
/// once), repeated while the commits made during one are many. The log starts over only once it is
/// copied back entirely, at the start of a commit, and under load a commit is always writing more;
/// so after its passes this hands the last step to the journal: the next commit checkpoints on its
/// own connection, where nothing can write beside it, copying the last pass's few leftover pages,
/// and the commit after it starts the log over. Run on the committing thread, that step costs about
/// 2 ms of CPU; run here, it also waited for a core while the producers spun (10 ms).
///
/// States of `finish`: idle, due (set here after the passes), taken (by the committing thread while
/// it checkpoints), back to idle. No pass starts until it is idle again, so the two connections never
/// checkpoint at once. Wake-ups follow the journal writer's protocol: ``committed(pages:on:)`` adds to
/// `pagesWritten` and then reads `asleep`; the thread stores `asleep` and then reads `pagesWritten`,
/// all sequentially consistent, so one side always sees the other.
final class WALCheckpointer: Sendable {
    /// A pass that lets fewer new pages in than this is the last before the journal's finish.
    static let leftoverPages = 40

    private enum Finish: Int, AtomicValue {
        case idle, due, taken
    }

    private let connection: DatabaseQueue
    /// Log pages, as estimated by the journal, between checkpoints.
    private let thresholdPages: Int
    private let logger: Logger
    private let pagesWritten = ManagedAtomic<Int>(0)
    private let finish = ManagedAtomic<Finish>(.idle)
    private let asleep = ManagedAtomic<Bool>(false)
    private let stopping = ManagedAtomic<Bool>(false)
    private let wakeUp = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    /// Checkpoints finished by the journal, each leaving the log to start over (for tests).
    let finished = ManagedAtomic<Int>(0)
    /// Log frames copied back by the passes, and by the finishing commits (for tests).
    let framesCopiedBeside = ManagedAtomic<Int>(0)
    let framesCopiedAtFinish = ManagedAtomic<Int>(0)
    /// Frames of the current log copied back when the last pass ended.
    private let copiedByLastPass = ManagedAtomic<Int>(0)

    /// - Parameters:
    ///   - connection: a second connection to the journal's database, used only here.
    ///   - thresholdPages: log pages, as the journal estimates them, that start a checkpoint.
    init(connection: DatabaseQueue, thresholdPages: Int, logger: Logger) {
        self.connection = connection
        self.thresholdPages = thresholdPages
        self.logger = logger
        StorageThread.start(named: "lr-checkpoint") { [self] in run() }
    }

    /// Called by the journal after each commit, on its connection, with the pages the commit is
    /// estimated to have added to the log; runs the last step of a checkpoint when one is due.
    func committed(pages: Int, on database: Database) {
        if finish.compareExchange(expected: .due, desired: .taken, ordering: .acquiringAndReleasing).exchanged {
            do {
                let copied = try database.checkpoint(.passive).checkpointedFrameCount
                // Negative when the log started over since the pass (it had caught up by itself).
                let atFinish = max(0, copied - copiedByLastPass.load(ordering: .relaxed))
                framesCopiedAtFinish.wrappingIncrement(by: atFinish, ordering: .relaxed)
                finished.wrappingIncrement(ordering: .relaxed)
            } catch {
                logger.warning("write-ahead log checkpoint failed", metadata: ["error": "\(error)"])
            }
            finish.store(.idle, ordering: .sequentiallyConsistent)
        }
        let total = pagesWritten.wrappingIncrementThenLoad(by: pages, ordering: .sequentiallyConsistent)
        if total >= thresholdPages && asleep.exchange(false, ordering: .sequentiallyConsistent) {
            wakeUp.signal()
        }
    }

    /// Stops the thread after the pass in progress, if any; later calls return at once.
    func stop() {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        wakeUp.signal()
        stopped.wait()
    }

    /// Stops the thread and closes its connection (see ``JournalStore/close()``).
    func close() throws {
        stop()
        try connection.close()
    }

    /// Waiting for the journal: asleep, with no pass to start (for tests).
    var isIdle: Bool { asleep.load(ordering: .sequentiallyConsistent) && !isDue }

    private var isDue: Bool {
        pagesWritten.load(ordering: .sequentiallyConsistent) >= thresholdPages
            && finish.load(ordering: .sequentiallyConsistent) == .idle
    }

    private func run() {
        while !stopping.load(ordering: .sequentiallyConsistent) {
            asleep.store(true, ordering: .sequentiallyConsistent)
            if !isDue { wakeUp.wait() }
            asleep.store(false, ordering: .sequentiallyConsistent)
            if !stopping.load(ordering: .sequentiallyConsistent) && isDue { checkpoint() }
        }
        stopped.signal()
    }

    private func checkpoint() {
        do {
            var copiedBefore = 0
            for _ in 0..<8 {
                pagesWritten.store(0, ordering: .sequentiallyConsistent)
                let copied = try connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
                    .checkpointedFrameCount
                framesCopiedBeside.wrappingIncrement(by: max(0, copied - copiedBefore), ordering: .relaxed)
                copiedBefore = copied
                copiedByLastPass.store(copied, ordering: .relaxed)
                if pagesWritten.load(ordering: .sequentiallyConsistent) < Self.leftoverPages { break }
            }
            finish.store(.due, ordering: .sequentiallyConsistent)
        } catch {
            // The journal keeps committing; the log only grows until a later pass succeeds.
            logger.warning("write-ahead log checkpoint failed", metadata: ["error": "\(error)"])
            Thread.sleep(forTimeInterval: 0.1)
        }
    }
}
