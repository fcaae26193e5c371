import NIOCore

/// The connection a batched Route call came from, which writes its answer.
///
/// A queued call holds its connection rather than a closure made for it: a closure per call was an
/// allocation, and at 64 connections x 16 in flight retaining its context when the batch was taken
/// missed the cache (3 % of the server's CPU), since a thousand calls wait between read and commit.
protocol RouteCaller: AnyObject {
    /// Writes one call's reply (or error); returns the channel to flush once the batch is answered. A
    /// reply comes with the sequence number of the lead's record: what must be durable before it
    /// leaves (`durability: sync`). `received` and `answered` time the call for the metrics (the
    /// time it was read, and the batch's answer; a reply held for the journal is timed when it leaves).
    func answerRoute(
        _ callID: UInt32, _ outcome: Result<(payload: ByteBuffer, seq: UInt64), any Error>, received: NIODeadline,
        answered: NIODeadline
    ) -> (any Channel)?
}
