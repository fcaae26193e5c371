import NIOCore

/// Splits a byte stream into frames, refusing an oversized length before buffering its payload.
public struct FrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = Frame

    /// Largest accepted frame (type + call id + payload), in bytes.
    public let maximumFrameSize: Int

    public init(maximumFrameSize: Int) {
        self.maximumFrameSize = maximumFrameSize
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> Frame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard Int(length) >= Frame.fixedBodySize else {
            throw ProtocolViolation(.invalidArgument, "frame length \(length) is shorter than the 5-byte frame header")
        }
        guard Int(length) <= maximumFrameSize else {
            if Self.startsATLSRecord(length) {
                throw ProtocolViolation(
                    .failedPrecondition,
                    "received a TLS record where a frame was expected: one side speaks TLS and the other does not (a server started with tls: takes TLS connections only)"
                )
            }
            throw ProtocolViolation(
                .resourceExhausted, "frame of \(length) bytes exceeds the maximum of \(maximumFrameSize) bytes")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        let rawType = buffer.readInteger(as: UInt8.self)!
        let callID = buffer.readInteger(as: UInt32.self)!
        let payload = buffer.readSlice(length: Int(length) - Frame.fixedBodySize)!
        guard let type = FrameType(rawValue: rawType) else {
            throw ProtocolViolation(.invalidArgument, "unknown frame type 0x\(String(rawType, radix: 16))")
        }
        return Frame(type: type, callID: callID, payload: payload)
    }

    /// A TLS record starts with its content type (20–23: change cipher spec, alert, handshake,
    /// application data) and major version 3; read as a length, far beyond any frame limit.
    private static func startsATLSRecord(_ length: UInt32) -> Bool {
        (20...23).contains(length >> 24) && (length >> 16) & 0xFF == 3
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> Frame? {
        if let frame = try decode(buffer: &buffer) { return frame }
        if seenEOF && buffer.readableBytes > 0 {
            throw ProtocolViolation(
                .invalidArgument, "connection closed in the middle of a frame (\(buffer.readableBytes) bytes left)")
        }
        return nil
    }
}

/// A byte stream that cannot be trusted any more; the connection must end.
public struct ProtocolViolation: Error, Sendable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String
    public init(_ code: StatusCode, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code): \(message)" }
}
