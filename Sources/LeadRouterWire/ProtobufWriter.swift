import NIOCore

/// Writes protobuf's binary encoding field by field, for the few messages sent on every call.
///
/// Building a generated message first and serialising it took 3.6 µs for a 300-byte RouteReply
/// (storage-class copies, every field set through an accessor, then a sizing pass and a writing pass);
/// writing the fields straight from our own types takes a fraction of that. Proto3 rules are followed:
/// a singular field at its default is left out, an `optional` one is written whenever present, and a
/// nested message is written as its length and bytes. Tests decode the output with the generated
/// types and compare it with what they produce.
///
/// The bytes go straight into memory the writer owns, each write checking the room once: appending to
/// an array checked its uniqueness and capacity for every byte, a fifth of encoding a reply.
struct ProtobufWriter: ~Copyable {
    private var start: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    /// What was written, as the payload of a frame.
    func byteBuffer() -> ByteBuffer { ByteBuffer(bytes: UnsafeBufferPointer(start: start, count: count)) }

    private enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
    }

    /// Makes room for `extra` more bytes: a comparison on every write, so inlined; growing is not.
    @inline(__always) private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    @inline(never) private mutating func grow(to needed: Int) {
        capacity = max(needed, capacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: start, count: count)
        start.deallocate()
        start = grown
    }

    private mutating func varint(_ value: UInt64) {
        reserve(10)
        count += Self.writeVarint(value, at: start + count)
    }

    /// Writes `value` as a varint (least significant group first) at `position`; answers its length.
    private static func writeVarint(_ value: UInt64, at position: UnsafeMutablePointer<UInt8>) -> Int {
        var value = value
        var written = 0
        while value >= 0x80 {
            position[written] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
            written += 1
        }
        position[written] = UInt8(value)
        return written + 1
    }

    private mutating func raw(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        if let base = bytes.baseAddress {
            (start + count).update(from: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
        count += bytes.count
    }

    private mutating func tag(_ field: Int, _ type: WireType) { varint(UInt64(field << 3) | UInt64(type.rawValue)) }

    /// A string field, written even when empty (for `optional` and repeated fields and map entries).
    mutating func string(_ field: Int, always value: String) {
        tag(field, .lengthDelimited)
        // Read in place where the bytes are contiguous (every native string): `withUTF8` is mutating,
        // and copying the string into a `var` for it retained and released its storage per field.
        let written: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
            varint(UInt64(utf8.count))
            raw(UnsafeRawBufferPointer(utf8))
        }
        guard written == nil else { return }
        var value = value
        value.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            raw(UnsafeRawBufferPointer(utf8))
        }
    }

    mutating func string(_ field: Int, _ value: String) {
        if !value.isEmpty { string(field, always: value) }
    }

    mutating func strings(_ field: Int, _ values: some Collection<String>) {
        for value in values { string(field, always: value) }
    }

    /// `int64`, `uint64`, `int32` (negative values sign-extended to ten bytes) and `bool` fields.
    mutating func integer(_ field: Int, always value: Int64) {
        tag(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    mutating func integer(_ field: Int, _ value: Int64) {
        if value != 0 { integer(field, always: value) }
    }

    mutating func unsigned(_ field: Int, _ value: UInt64) {
        guard value != 0 else { return }
        tag(field, .varint)
        varint(value)
    }

    mutating func bool(_ field: Int, _ value: Bool) {
        if value { integer(field, always: 1) }
    }

    mutating func double(_ field: Int, always value: Double) {
        tag(field, .fixed64)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { raw($0) }
    }

    mutating func double(_ field: Int, _ value: Double) {
        if value != 0 { double(field, always: value) }
    }

    /// Where a nested message's length goes, from ``beginMessage(_:)`` to ``endMessage(_:)``.
    struct MessageStart {
        fileprivate let lengthAt: Int
    }

    /// Opens a nested message: its fields follow, then ``endMessage(_:)`` puts their length in front
    /// of them. One byte is reserved for the length (enough below 128 bytes); longer bodies are moved
    /// up to make room. A pair of calls rather than a closure: a closure writing a record's fields
    /// captured a copy of the record, retaining every reference in it.
    mutating func beginMessage(_ field: Int) -> MessageStart {
        tag(field, .lengthDelimited)
        reserve(1)
        count += 1
        return MessageStart(lengthAt: count - 1)
    }

    mutating func endMessage(_ message: MessageStart) {
        let lengthAt = message.lengthAt
        let length = count - lengthAt - 1
        if length < 0x80 {
            start[lengthAt] = UInt8(length)
            return
        }
        // Room for the longer varint, then its bytes in place.
        var extra = 0
        while length >> (7 * (extra + 1)) != 0 { extra += 1 }
        reserve(extra)
        (start + lengthAt + 1 + extra).update(from: start + lengthAt + 1, count: length)
        count += extra
        _ = Self.writeVarint(UInt64(length), at: start + lengthAt)
    }

    /// A `map<string, string>` field: one entry message per pair.
    mutating func map(_ field: Int, _ entries: [String: String]) {
        for (key, value) in entries {
            let entry = beginMessage(field)
            string(1, always: key)
            string(2, always: value)
            endMessage(entry)
        }
    }
}
