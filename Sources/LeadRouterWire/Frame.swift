import NIOCore

/// One unit on the wire: `[u32 length][u8 type][u32 call id][payload]`, big-endian, where `length`
/// counts the type, call id and payload bytes.
public struct Frame: Sendable, Equatable {
    public static let headerSize = 9
    /// Bytes after the length field that are not payload (type + call id).
    public static let fixedBodySize = 5

    public var type: FrameType
    public var callID: UInt32
    public var payload: ByteBuffer

    public init(type: FrameType, callID: UInt32, payload: ByteBuffer = ByteBuffer()) {
        self.type = type
        self.callID = callID
        self.payload = payload
    }

    /// Appends the encoded frame to `buffer`.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(Self.fixedBodySize + payload.readableBytes))
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(callID)
        var payload = payload
        buffer.writeBuffer(&payload)
    }
}
