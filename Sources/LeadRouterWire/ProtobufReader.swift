import NIOCore

/// Reads protobuf's binary encoding field by field: the counterpart of ``ProtobufWriter``, for the
/// messages every call carries (the request envelope and Route's request).
///
/// It accepts what the generated decoders accept — fields in any order, repeated occurrences of a
/// field (the last value wins; a message field merges), unknown fields of every wire type including
/// groups, and a known field with the wrong wire type (skipped like an unknown one, as they do) — and
/// rejects what they reject: truncated input, overlong varints, field number 0 and strings that are
/// not UTF-8. Callers match a field by number and wire type together (`case 1 where type == ...`) and
/// skip everything else. Tests compare the two on random valid and damaged input.
struct ProtobufReader {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case startGroup = 3
        case endGroup = 4
        case fixed32 = 5
    }

    private let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    private let end: Int

    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.bytes = bytes
        offset = range.lowerBound
        end = range.upperBound
    }

    var isAtEnd: Bool { offset >= end }

    mutating func varint() throws(Failure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw Failure("truncated varint") }
            // Ten bytes at most; bits beyond 64 in the tenth are dropped, as the generated code does.
            guard shift <= 63 else { throw Failure("varint longer than ten bytes") }
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) &<< shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// The next field's number and wire type.
    mutating func tag() throws(Failure) -> (field: Int, type: WireType) {
        let key = try varint()
        guard key >> 3 != 0, key >> 3 <= 0x1FFF_FFFF else { throw Failure("invalid field number \(key >> 3)") }
        guard let type = WireType(rawValue: UInt8(key & 7)) else { throw Failure("invalid wire type \(key & 7)") }
        return (Int(key >> 3), type)
    }

    /// The byte range of a length-delimited field (a string, bytes or a nested message).
    mutating func lengthDelimited() throws(Failure) -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end - offset) else { throw Failure("truncated length-delimited field") }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return range
    }

    mutating func string() throws(Failure) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[try lengthDelimited()])
        // ASCII (nearly every id and attribute) is valid UTF-8 as it stands. `String(validating:as:)`
        // is generic and not inlined: every call looked up its type metadata at run time, about 1 % of
        // the server's CPU.
        if raw.allSatisfy({ $0 < 0x80 }) { return String(decoding: raw, as: UTF8.self) }
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw Failure("a string field is not valid UTF-8")
        }
        return text
    }

    mutating func double() throws(Failure) -> Double {
        guard end - offset >= 8 else { throw Failure("truncated fixed64 field") }
        let bits = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return Double(bitPattern: UInt64(littleEndian: bits))
    }

    /// Reads every field to the end: `visit` gets each field's number and wire type with the reader at
    /// its value, and returns `false` for a field it does not take, which is then skipped.
    mutating func forEachField(
        _ visit: (Int, WireType, inout ProtobufReader) throws(Failure) -> Bool
    ) throws(Failure) {
        while !isAtEnd {
            let (field, type) = try tag()
            if try !visit(field, type, &self) { try skip(type, field: field) }
        }
    }

    /// Reads the fields of the message in `buffer` (see ``forEachField(_:)``); a malformed message is an
    /// INVALID_ARGUMENT error that names it.
    static func readMessage(
        _ buffer: ByteBuffer, named name: String,
        _ visit: (Int, WireType, inout ProtobufReader) throws(Failure) -> Bool
    ) throws(RPCError) {
        do {
            try buffer.withUnsafeReadableBytes { bytes throws(Failure) in
                var reader = ProtobufReader(bytes, range: 0..<bytes.count)
                try reader.forEachField(visit)
            }
        } catch {
            throw RPCError(.invalidArgument, "could not decode \(name): \(error)")
        }
    }

    /// A reader for a nested message's bytes.
    func nested(_ range: Range<Int>) -> ProtobufReader { ProtobufReader(bytes, range: range) }

    /// Passes over a field nobody asked for.
    mutating func skip(_ type: WireType, field: Int) throws(Failure) {
        switch type {
        case .varint: _ = try varint()
        case .fixed64: try advance(8)
        case .fixed32: try advance(4)
        case .lengthDelimited: _ = try lengthDelimited()
        case .startGroup:
            while true {
                let (inner, innerType) = try tag()
                if innerType == .endGroup {
                    guard inner == field else { throw Failure("group \(field) ended by \(inner)") }
                    return
                }
                try skip(innerType, field: inner)
            }
        case .endGroup: throw Failure("unexpected end of group \(field)")
        }
    }

    private mutating func advance(_ count: Int) throws(Failure) {
        guard end - offset >= count else { throw Failure("truncated fixed-width field") }
        offset += count
    }
}
