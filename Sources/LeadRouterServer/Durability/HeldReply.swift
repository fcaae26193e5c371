import LeadRouterWire
import NIOCore

/// A reply waiting for the journal. A value rather than a closure made per reply: no allocation.
struct HeldReply {
    let seq: UInt64
    let reply: Frame
    let writer: any HeldReplyWriter
    /// When a Route call's request was read (timed when its reply leaves); `nil` for other calls.
    let received: NIODeadline?

    func write() -> (any Channel)? { writer.writeHeld(reply) }

    /// Answers the call with `error` instead of its reply.
    func refuse(_ error: RPCError) -> (any Channel)? {
        writer.refuseHeld(reply.callID, error)
    }
}

/// The connection a held reply goes back to once the journal has caught up.
protocol HeldReplyWriter: AnyObject {
    /// Writes `reply` without flushing it; returns the channel to flush, or `nil` if the connection
    /// has gone.
    func writeHeld(_ reply: Frame) -> (any Channel)?
    /// Writes an error status for the call instead, without flushing; the same return.
    func refuseHeld(_ callID: UInt32, _ error: RPCError) -> (any Channel)?
}
