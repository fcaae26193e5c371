import Atomics
import NIOCore

/// Runs a job on one event loop at most once per burst of requests from other threads.
///
/// The first `request` flips `pending` (acquiring-and-releasing exchange) and schedules the job;
/// requests while it is pending return at once. The job clears `pending` (releasing) *before* it
/// runs, so anything published after the job starts reading finds `pending` clear and schedules
/// another run: nothing is missed, and a burst costs one hop to the loop, not one per request.
final class LoopWakeup: Sendable {
    private let eventLoop: any EventLoop
    private let pending = ManagedAtomic<Bool>(false)

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func request(_ job: @escaping @Sendable () -> Void) {
        guard !pending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        eventLoop.execute {
            self.pending.store(false, ordering: .releasing)
            job()
        }
    }
}
