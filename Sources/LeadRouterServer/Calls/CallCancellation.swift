import Atomics
import LeadRouterWire
import NIOCore

/// Whether a scan's caller still wants its answer: set when the client sends CANCEL for the call or
/// its connection closes, and true once the call's deadline has passed. A long scan (a policy
/// replay) asks it as it goes and stops, instead of working minutes for nobody on a queue other
/// callers wait behind.
final class CallCancellation: Sendable {
    /// Relaxed: the flag publishes nothing else, and a walk that reads it a little late only takes
    /// one more step.
    private let cancelled = ManagedAtomic(false)
    private let timeoutMs: UInt32
    private let deadline: NIODeadline?

    /// - Parameter timeoutMs: the call's deadline from its arrival (0: none).
    init(timeoutMs: UInt32, arrived: NIODeadline) {
        self.timeoutMs = timeoutMs
        deadline = timeoutMs == 0 ? nil : arrived + .milliseconds(Int64(timeoutMs))
    }

    func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// The client cancelled the call, or its connection closed.
    var wasCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// Whether a read-only walk should stop: cancelled, or past the deadline, when the answer could
    /// only be DEADLINE_EXCEEDED.
    var shouldStop: Bool { wasCancelled || deadline.map { NIODeadline.now() > $0 } == true }

    /// The status a walk that stopped answers with.
    var error: RPCError {
        wasCancelled
            ? RPCError(.cancelled, "cancelled by the client") : CallDeadline.exceeded(timeoutMs)
    }
}
