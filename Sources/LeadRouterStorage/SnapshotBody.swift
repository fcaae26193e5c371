import Foundation

/// An encoded snapshot as the pieces it was written in, never joined into one buffer: a body is about
/// a hundred bytes per assignment, and each whole-body copy (segments into the body, the body into
/// `Data`, `Data` into parts) touched that many fresh pages again. Zeroing them was the largest single
/// cost of a snapshot. The record segments come as their writers' own buffers (``ByteChunk``).
/// ``JournalStore`` stores the pieces in parts of a few megabytes.
struct SnapshotBody: Sendable {
    enum Piece: Sendable {
        case array(ArraySlice<UInt8>)
        case chunk(ByteChunk)

        var count: Int {
            switch self {
            case .array(let bytes): bytes.count
            case .chunk(let chunk): chunk.count
            }
        }

        func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
            switch self {
            case .array(let bytes): try bytes.withUnsafeBytes(body)
            case .chunk(let chunk): try chunk.withBytes(body)
            }
        }
    }

    private(set) var pieces: [Piece] = []
    private(set) var count = 0

    mutating func append(_ piece: Piece) {
        guard piece.count > 0 else { return }
        pieces.append(piece)
        count += piece.count
    }

    mutating func append(_ bytes: [UInt8]) { append(.array(bytes[...])) }
    mutating func append(_ chunk: ByteChunk) { append(.chunk(chunk)) }

    /// The whole body in one buffer (for tools and tests; storing never needs it).
    var data: Data {
        var data = Data(capacity: count)
        for piece in pieces { piece.withBytes { data.append(contentsOf: $0) } }
        return data
    }

    /// Hands the body to `write` in consecutive parts of `partBytes` (the last may be shorter), copied
    /// into one reused buffer.
    func forEachPart(of partBytes: Int, _ write: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var part: [UInt8] = []
        part.reserveCapacity(min(partBytes, count))
        for piece in pieces {
            try piece.withBytes { bytes in
                var rest = bytes[...]
                while !rest.isEmpty {
                    let taken = rest.prefix(partBytes - part.count)
                    part.append(contentsOf: taken)
                    rest = rest.dropFirst(taken.count)
                    if part.count == partBytes {
                        try part.withUnsafeBytes(write)
                        part.removeAll(keepingCapacity: true)
                    }
                }
            }
        }
        if !part.isEmpty { try part.withUnsafeBytes(write) }
    }
}
