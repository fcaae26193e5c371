import Foundation

/// Runs blocking work (waiting for a child process, reading its output to the end) on a thread of its
/// own and resumes the caller when it is done. The cooperative pool has a thread per core, two here:
/// a test holding one for as long as a child runs starves every other test's tasks meanwhile (seen
/// under ThreadSanitizer beside a CI run, where each test stalled until a server's idle timeout).
func onOwnThread<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result {
    await withCheckedContinuation { done in
        Thread.detachNewThread { done.resume(returning: work()) }
    }
}
