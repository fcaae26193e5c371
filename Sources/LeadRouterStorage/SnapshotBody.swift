import Foundation

/// An encoded snapshot as the pieces it was written in, never joined into one buffer: a body is about
/// a hundred bytes per assignment, and each whole-body copy (segments into the body, the body into
/// `Data`, `Data` into parts) touched that many fresh pages again. Zeroing them was the largest single
/// cost of a snapshot. ``JournalStore`` stores the pieces in parts of a few megabytes.
struct SnapshotBody: Sendable {
    private(set) var chunks: [ArraySlice<UInt8>] = []
    private(set) var count = 0

    mutating func append(_ chunk: ArraySlice<UInt8>) {
        guard !chunk.isEmpty else { return }
        chunks.append(chunk)
        count += chunk.count
    }

    mutating func append(_ chunk: [UInt8]) { append(chunk[...]) }

    /// The whole body in one buffer (for tools and tests; storing never needs it).
    var data: Data {
        var data = Data(capacity: count)
        for chunk in chunks { data.append(contentsOf: chunk) }
        return data
    }

    /// Hands the body to `write` in consecutive parts of `partBytes` (the last may be shorter), copied
    /// into one reused buffer.
    func forEachPart(of partBytes: Int, _ write: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var part: [UInt8] = []
        part.reserveCapacity(min(partBytes, count))
        for chunk in chunks {
            var rest = chunk[...]
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
        if !part.isEmpty { try part.withUnsafeBytes(write) }
    }
}
