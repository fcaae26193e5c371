/// The snapshot checksum: FNV-1a over 8-byte words, then the tail bytes, computed over a body fed in
/// pieces of any length (each piece's split word is carried to the next). A byte at a time, each of a
/// 200 MB body's bytes waited on the previous byte's multiply, on writing and again on recovery.
struct SnapshotChecksum {
    private static let prime: UInt64 = 0x0100_0000_01b3
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    /// Up to seven bytes that did not fill a word yet, little-endian in `carried`.
    private var carried: UInt64 = 0
    private var carriedCount = 0

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var position = 0
        while carriedCount > 0 && position < bytes.count {
            carry(bytes[position])
            position += 1
        }
        let words = (bytes.count - position) / 8
        for index in 0..<words {
            hash ^= bytes.loadUnaligned(fromByteOffset: position + index * 8, as: UInt64.self).littleEndian
            hash = hash &* Self.prime
        }
        for byte in bytes[(position + words * 8)...] { carry(byte) }
    }

    private mutating func carry(_ byte: UInt8) {
        carried |= UInt64(byte) << (8 * carriedCount)
        carriedCount += 1
        if carriedCount == 8 {
            hash ^= carried
            hash = hash &* Self.prime
            carried = 0
            carriedCount = 0
        }
    }

    var value: Int64 {
        var hash = hash
        for index in 0..<carriedCount {
            hash ^= (carried >> (8 * index)) & 0xFF
            hash = hash &* Self.prime
        }
        return Int64(bitPattern: hash)
    }

    /// The byte-at-a-time checksum of snapshots written before the word-wise one; still accepted.
    static func bytewise(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* prime
        }
        return Int64(bitPattern: hash)
    }
}
