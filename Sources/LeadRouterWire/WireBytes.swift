import NIOCore
import SwiftProtobuf

/// Lets swift-protobuf read from and write into a `ByteBuffer` without an intermediate array.
public struct WireBytes: SwiftProtobufContiguousBytes {
    public var buffer: ByteBuffer

    public init(_ buffer: ByteBuffer) { self.buffer = buffer }

    public init(repeating: UInt8, count: Int) {
        buffer = ByteBuffer(repeating: repeating, count: count)
    }

    public init<S: Sequence>(_ sequence: S) where S.Element == UInt8 {
        buffer = ByteBuffer(bytes: sequence)
    }

    public var count: Int { buffer.readableBytes }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeReadableBytes(body)
    }

    public mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeMutableReadableBytes(body)
    }
}

extension SwiftProtobuf.Message {
    /// Decodes a message from a frame payload; a malformed payload is an INVALID_ARGUMENT error.
    public init(payload: ByteBuffer) throws(RPCError) {
        do {
            try self.init(serializedBytes: WireBytes(payload))
        } catch {
            throw RPCError(.invalidArgument, "could not decode \(Self.protoMessageName): \(error)")
        }
    }

    /// Encodes the message into a new buffer.
    public func payload() -> ByteBuffer {
        // Encoding a well-formed generated message cannot fail (no required fields in proto3).
        let bytes: WireBytes = try! serializedBytes()
        return bytes.buffer
    }
}
