import Foundation

/// Appends a compact binary form: varints, zig-zag integers, length-prefixed strings.
struct BinaryWriter {
    var bytes: [UInt8] = []
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

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func varint(_ value: UInt64) {
        if value < 0x80 {
            bytes.append(UInt8(value))
            return
        }
        // Built on the stack and appended at once: each append checks the array's uniqueness and
        // capacity, and a timestamp's varint is six bytes.
        var buffer: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &buffer) { raw in
            var value = value
            var count = 0
            while value >= 0x80 {
                raw[count] = UInt8(value & 0x7F) | 0x80
                value >>= 7
                count += 1
            }
            raw[count] = UInt8(value)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[...count]))
        }
    }

    mutating func int(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }
    mutating func int(_ value: Int) { int(Int64(value)) }
    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func double(_ value: Double) {
        // Little-endian, in one append rather than eight.
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        // Read in place where the bytes are contiguous (every native string): `withUTF8` is mutating,
        // and copying the string into a `var` for it retained and released its storage each time.
        let written: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
        guard written == nil else { return }
        var value = value
        value.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
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
        bytes.append(contentsOf: value)
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
