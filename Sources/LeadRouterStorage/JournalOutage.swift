import Atomics
import Foundation

/// Whether the journal can be written now, readable from any thread.
///
/// The committer records each failed and each successful commit; the server reads `isFailing` on
/// every call that would change the state (one atomic load) and refuses it while the journal cannot
/// take its events: nothing more could be made durable, and the state would run ahead of the journal
/// for as long as the disk stays full.
public final class JournalOutage: @unchecked Sendable {
    /// Sequentially consistent on both sides: a loop that holds a reply and then reads this flag, and
    /// a committer that sets it and then wakes the loops with held replies, see each other's stores
    /// (the same handshake as `JournalWriter.durableSeq` with the durability gate).
    private let failing = ManagedAtomic<Bool>(false)
    /// NSLock (pthreads) rather than `Mutex`, which ThreadSanitizer does not see on Linux.
    private let lock = NSLock()
    private var details: (reason: String, since: Date)?

    public init() {}

    public var isFailing: Bool { failing.load(ordering: .sequentiallyConsistent) }

    /// "the journal cannot be written (<the last commit's error>)" while it cannot, for the messages
    /// of refused calls, health and logs; `nil` (one atomic load) when it can.
    public var problem: String? {
        guard isFailing else { return nil }
        return lock.withLock { details.map { "the journal cannot be written (\($0.reason))" } }
    }

    /// Records a failed commit; `true` if the journal was writable until now.
    func failed(_ error: any Error) -> Bool {
        let started = lock.withLock {
            let started = details == nil
            details = ("\(error)", details?.since ?? Date())
            return started
        }
        failing.store(true, ordering: .sequentiallyConsistent)
        return started
    }

    /// Records a successful commit; how long the journal had been failing, if it was.
    func succeeded() -> TimeInterval? {
        guard failing.load(ordering: .relaxed) else { return nil }
        failing.store(false, ordering: .sequentiallyConsistent)
        return lock.withLock {
            defer { details = nil }
            return details.map { Date().timeIntervalSince($0.since) }
        }
    }
}
