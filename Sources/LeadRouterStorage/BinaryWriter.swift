import Foundation

/// Appends a compact binary form: varints, zig-zag integers, length-prefixed strings.
///
/// The bytes go into one allocation of the writer's own, written through a pointer (hence
/// noncopyable: a copy would share it). Appending to an `[UInt8]` called the runtime to check the
/// array's uniqueness, and checked its capacity, for every byte or string: with retains and releases,
/// most of what encoding a journal event cost.
struct BinaryWriter: ~Copyable {
    private var start: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    private(set) var count = 0
    /// When on, `name` writes repeated strings (rule names, rep ids, pool keys) once, into `names`,
    /// and refers to them by index; snapshots use it, single events do not.
    var interning = false {
        didSet {
            // Only an interning writer needs the slots: a journal event allocated them for nothing,
            // three arrays per event, most of what encoding an event cost.
            guard interning, recentIndex.isEmpty else { return }
            recentBits = [StringBits](repeating: StringBits(0, 0), count: 64)
            recentIndex = [UInt64](repeating: .max, count: 64)
            recentNames = [String](repeating: "", count: 64)
        }
    }
    private(set) var names: [String] = []
    private var nameIndex: [String: UInt64] = [:]
    /// The last name seen in each of 64 slots, by the string's own 16 bytes: a hit skips hashing the
    /// string (that hashing was 40 % of encoding a snapshot). Each slot keeps its string alive, so
    /// equal bytes always mean the same string, never a freed one whose memory was reused.
    private var recentBits: [StringBits] = []
    private var recentIndex: [UInt64] = []
    private var recentNames: [String] = []
    private typealias StringBits = (UInt64, UInt64)

    init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    /// A copy of the bytes written.
    var bytes: [UInt8] { bytes(in: 0..<count) }

    /// A copy of the bytes at `range`.
    func bytes(in range: Range<Int>) -> [UInt8] {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range \(range) outside 0..<\(count)")
        return [UInt8](UnsafeBufferPointer(start: start + range.lowerBound, count: range.count))
    }

    /// A copy of the bytes written, as `Data`.
    var data: Data { Data(bytes: start, count: count) }

    /// Lends the bytes written.
    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: start, count: count))
    }

    /// Hands over the bytes written, buffer and all, and starts again in a small new buffer.
    mutating func takeChunk() -> ByteChunk {
        let chunk = ByteChunk(taking: start, count: count)
        capacity = 256
        start = .allocate(capacity: capacity)
        count = 0
        return chunk
    }

    /// Forgets what was written, keeping the allocation.
    mutating func removeAll() { count = 0 }

    /// Makes room for `extra` more bytes.
    @inline(__always) private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(toHold: count + extra) }
    }

    private mutating func grow(toHold needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        moved.initialize(from: start, count: count)
        start.deallocate()
        start = moved
        capacity = newCapacity
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        reserve(1)
        start[count] = value
        count += 1
    }

    /// Raw bytes, without a length.
    @inline(__always)
    mutating func raw(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        reserve(buffer.count)
        UnsafeMutableRawPointer(start + count).copyMemory(from: base, byteCount: buffer.count)
        count += buffer.count
    }

    /// Another writer's bytes, without a length.
    mutating func append(_ other: borrowing BinaryWriter) {
        raw(UnsafeRawBufferPointer(start: other.start, count: other.count))
    }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        reserve(10)
        var value = value
        while value >= 0x80 {
            start[count] = UInt8(value & 0x7F) | 0x80
            count += 1
            value >>= 7
        }
        start[count] = UInt8(value)
        count += 1
    }

    @inline(__always)
    mutating func int(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }
    mutating func int(_ value: Int) { int(Int64(value)) }
    @inline(__always)
    mutating func bool(_ value: Bool) { byte(value ? 1 : 0) }

    /// Little-endian.
    mutating func double(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { raw($0) }
    }

    @inline(__always)
    mutating func string(_ value: String) {
        // Read in place where the bytes are contiguous (every native string): `withUTF8` is mutating,
        // and copying the string into a `var` for it retained and released its storage each time.
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

    /// A string likely to repeat across records.
    mutating func name(_ value: String) {
        guard interning else { return string(value) }
        let bits = unsafeBitCast(value, to: StringBits.self)
        let slot = Int(truncatingIfNeeded: ((bits.0 ^ bits.1) &* 0x9E37_79B9_7F4A_7C15) >> 58)
        if recentIndex[slot] != .max && recentBits[slot] == bits {
            varint(recentIndex[slot])
            return
        }
        let index: UInt64
        if let known = nameIndex[value] {
            index = known
        } else {
            index = UInt64(names.count)
            nameIndex[value] = index
            names.append(value)
        }
        recentBits[slot] = bits
        recentIndex[slot] = index
        recentNames[slot] = value
        varint(index)
    }

    mutating func data(_ value: Data) {
        varint(UInt64(value.count))
        value.withUnsafeBytes { raw($0) }
    }

    /// A presence byte, then the value if there is one.
    mutating func optional<Value>(_ value: Value?, _ write: (inout BinaryWriter, Value) -> Void) {
        bool(value != nil)
        if let value { write(&self, value) }
    }

    mutating func array<Element>(_ values: some Collection<Element>, _ write: (inout BinaryWriter, Element) -> Void) {
        varint(UInt64(values.count))
        for value in values { write(&self, value) }
    }
}

/// Reads what ``BinaryWriter`` wrote; any inconsistency is an error, never a crash.
struct BinaryReader {
    private let bytes: [UInt8]
    private var position = 0

    /// The name table of an interned record (see ``BinaryWriter/name(_:)``).
    var names: [String]?

    init(_ data: Data) { bytes = [UInt8](data) }

    mutating func name() throws -> String {
        guard let names else { return try string() }
        let index = try varint()
        guard index < UInt64(names.count) else { throw Damaged(position: position) }
        return names[Int(index)]
    }

    struct Damaged: Error, CustomStringConvertible {
        let position: Int
        var description: String { "damaged record at byte \(position)" }
    }

    var isAtEnd: Bool { position == bytes.count }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw Damaged(position: position) }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw Damaged(position: position) }
            result |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return result }
            shift += 7
        }
    }

    mutating func int() throws -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func int() throws -> Int { Int(try int() as Int64) }
    mutating func bool() throws -> Bool { try byte() != 0 }

    mutating func double() throws -> Double {
        var bits: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 8) { bits |= UInt64(try byte()) << UInt64(shift) }
        return Double(bitPattern: bits)
    }

    mutating func count() throws -> Int {
        let count = try varint()
        guard count <= UInt64(bytes.count - position) + 1 << 20 else { throw Damaged(position: position) }
        return Int(count)
    }

    mutating func string() throws -> String {
        let length = try count()
        guard position + length <= bytes.count else { throw Damaged(position: position) }
        defer { position += length }
        return String(decoding: bytes[position..<(position + length)], as: UTF8.self)
    }

    mutating func data() throws -> Data {
        let length = try count()
        guard position + length <= bytes.count else { throw Damaged(position: position) }
        defer { position += length }
        return Data(bytes[position..<(position + length)])
    }

    mutating func optional<Value>(_ read: (inout BinaryReader) throws -> Value) throws -> Value? {
        try bool() ? try read(&self) : nil
    }

    mutating func array<Element>(_ read: (inout BinaryReader) throws -> Element) throws -> [Element] {
        let count = try count()
        var result: [Element] = []
        result.reserveCapacity(min(count, 1 << 16))
        for _ in 0..<count { result.append(try read(&self)) }
        return result
    }
}
