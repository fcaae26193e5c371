/// Bytes a ``BinaryWriter`` wrote, in the writer's own buffer, handed over whole instead of copied.
///
/// A snapshot's records are tens of megabytes per encoder; copying them out of the writer into an
/// array touched that many fresh pages again, and zeroing those pages was a fifth of a snapshot's CPU.
///
/// `@unchecked Sendable`: the buffer is never written after the hand-over, and freed with the chunk.
final class ByteChunk: @unchecked Sendable {
    private let start: UnsafeMutablePointer<UInt8>
    let count: Int

    /// Takes ownership of `start`, which holds `count` initialised bytes.
    init(taking start: UnsafeMutablePointer<UInt8>, count: Int) {
        self.start = start
        self.count = count
    }

    deinit { start.deallocate() }

    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: start, count: count))
    }
}
