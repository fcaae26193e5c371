/// What a frame carries. See `docs/PROTOCOL.md`.
public enum FrameType: UInt8, Sendable, CaseIterable {
    /// Client → server, call id 0: `Hello`. Must be the first frame.
    case hello = 0x01
    /// Server → client, call id 0: `HelloReply`.
    case helloOK = 0x02
    /// Client → server: `Request`, opens call `callID`.
    case request = 0x10
    /// Server → client: the unary reply message; the call ends OK.
    case response = 0x11
    /// Server → client: one message of a server stream.
    case streamMessage = 0x12
    /// Server → client: `Status`; ends the call (an error, or the end of a stream).
    case status = 0x13
    /// Client → server: cancels the call; no payload.
    case cancel = 0x14
    /// Client → server: `Credit` for a stream.
    case credit = 0x15
    /// Server → client, call id 0: `Status`; the server closes the connection after it.
    case goAway = 0x1F
}
