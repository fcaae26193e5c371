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
        try ProtobufReader.readMessage(frame, named: "leadrouter.v1.Request") {
            field, type, reader throws(ProtobufReader.Failure) in
            switch (field, type) {
            case (1, .lengthDelimited): method = try reader.string()
            case (2, .varint): timeoutMs = UInt32(truncatingIfNeeded: try reader.varint())
            case (3, .lengthDelimited):
                let (key, value) = try reader.mapEntry()
                metadata[key] = value
            case (4, .lengthDelimited): payloadRange = try reader.lengthDelimited()
            default: return false
            }
            return true
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
        try entry.forEachField { field, type, reader throws(Failure) in
            switch (field, type) {
            case (1, .lengthDelimited): key = try reader.string()
            case (2, .lengthDelimited): value = try reader.string()
            // The generated decoder leaves a key or value of the wrong wire type unread and takes its
            // bytes for the next tag; doing the same keeps the two in agreement.
            case (1, _), (2, _): break
            default: return false
            }
            return true
        }
        return (key, value)
    }
}
