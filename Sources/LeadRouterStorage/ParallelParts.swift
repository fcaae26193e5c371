import Dispatch

/// Runs the parts of one job at once, on threads started for it.
///
/// Unlike `DispatchQueue.concurrentPerform`, whose pooled workers run at normal priority, new threads
/// inherit the calling thread's (see ``BackgroundPriority``), so a snapshot's encoders stay in the
/// background with it. A snapshot starts a handful of threads every few seconds at most.
enum ParallelParts {
    /// Calls `body` with every part number in `0..<parts`, part 0 on the calling thread, and returns
    /// once all have returned. The semaphore orders each part's writes before the return.
    static func run(_ parts: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let finished = DispatchSemaphore(value: 0)
        for part in 1..<max(parts, 1) {
            StorageThread.start(named: "lr-encoder-\(part)") {
                body(part)
                finished.signal()
            }
        }
        body(0)
        for _ in 1..<max(parts, 1) { finished.wait() }
    }
}
