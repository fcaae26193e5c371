import NIOCore

/// A REQUEST frame's `leadrouter.v1.Request`, read without the generated type: the method's payload
/// stays a slice of the frame instead of being copied into `Data` and back into a buffer.
public struct RequestEnvelope: Sendable {
    public var method = ""
    public var timeoutMs: UInt32 = 0
    public var metadata: [String: String] = [:]
    /// The method's request message.
    public var payload = ByteBuffer()

    /// Reads the envelope from a frame's payload; a malformed one is an INVALID_ARGUMENT error.
    public init(payload frame: ByteBuffer) throws(RPCError) {
        var payloadRange: Range<Int>?
        do {
            try frame.withUnsafeReadableBytes { bytes throws(ProtobufReader.Failure) in
                var reader = ProtobufReader(bytes, range: 0..<bytes.count)
                while !reader.isAtEnd {
                    let (field, type) = try reader.tag()
                    switch field {
                    case 1 where type == .lengthDelimited:
                        method = try reader.string()
                    case 2 where type == .varint:
                        timeoutMs = UInt32(truncatingIfNeeded: try reader.varint())
                    case 3 where type == .lengthDelimited:
                        let (key, value) = try reader.mapEntry()
                        metadata[key] = value
                    case 4 where type == .lengthDelimited:
                        payloadRange = try reader.lengthDelimited()
                    default:
                        try reader.skip(type, field: field)
                    }
                }
            }
        } catch {
            throw RPCError(.invalidArgument, "could not decode leadrouter.v1.Request: \(error)")
        }
        if let payloadRange {
            payload = frame.getSlice(at: frame.readerIndex + payloadRange.lowerBound, length: payloadRange.count)!
        }
    }
}

extension ProtobufReader {
    /// One entry of a `map<string, string>`; a missing key or value is empty.
    mutating func mapEntry() throws(Failure) -> (key: String, value: String) {
        var entry = nested(try lengthDelimited())
        var key = ""
        var value = ""
        while !entry.isAtEnd {
            let (field, type) = try entry.tag()
            switch field {
            case 1 where type == .lengthDelimited:
                key = try entry.string()
            case 2 where type == .lengthDelimited:
                value = try entry.string()
            case 1, 2:
                // The generated decoder leaves a key or value of the wrong wire type unread and takes
                // its bytes for the next tag; doing the same keeps the two in agreement.
                continue
            default:
                try entry.skip(type, field: field)
            }
        }
        return (key, value)
    }
}
