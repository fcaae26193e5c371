import LeadRouterWire
import NIOCore

/// A call's deadline: `timeout_ms` from when the server read the call (0: none). The change a late
/// call made stands; its answer says it came too late.
enum CallDeadline {
    /// What a call that finished after its `timeoutMs` deadline is answered.
    static func exceeded(_ timeoutMs: UInt32) -> RPCError {
        RPCError(.deadlineExceeded, "the call took longer than its \(timeoutMs) ms deadline")
    }

    /// ``exceeded(_:)`` if a call read at `arrived` has run past its `timeoutMs` by now.
    static func missed(_ timeoutMs: UInt32, since arrived: NIODeadline) -> RPCError? {
        guard timeoutMs > 0, NIODeadline.now() - arrived > .milliseconds(Int64(timeoutMs)) else { return nil }
        return exceeded(timeoutMs)
    }
}
