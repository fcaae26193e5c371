import Foundation

/// Touches fresh heap memory once and keeps it, so that what a measurement allocates comes from pages
/// the process already has.
///
/// The routing benchmarks keep every lead they route (nothing completes), so without this the heap
/// grows by about a kilobyte per route for the whole run, and one route in four or five takes a page
/// fault (the kernel zeroing a fresh page, some microseconds on this VM). A running server reuses
/// the memory of the assignments it has archived and does not fault on every few routes; warming the
/// heap measures that steady state, as warm-up iterations measure warm caches. (`docs/PERFORMANCE.md`
/// gives the figures both ways.)
public enum WarmHeap {
    /// Allocates `megabytes` in blocks small enough to come from the heap rather than their own
    /// mappings, writes every page, and frees fifteen blocks in sixteen, having told the allocator to
    /// keep freed memory rather than give it back to the kernel (which would only fault it in again).
    /// Call it on the thread that will allocate: each thread allocates from its own arena. Does
    /// nothing when `COLD_HEAP` is set, to measure the cold heap.
    public static func prefault(megabytes: Int) {
        guard ProcessInfo.processInfo.environment["COLD_HEAP"] == nil else { return }
        setMallocOption(mallocTrimThreshold, Int32.max)
        let blockSize = 64 * 1024
        let blocks = (0..<megabytes * (1024 * 1024 / blockSize)).compactMap { _ in malloc(blockSize) }
        for block in blocks { memset(block, 0, blockSize) }
        // Every sixteenth block stays allocated: a thread's arena (a benchmark runs on one) hands a heap
        // back to the kernel whole once nothing in it is allocated, whatever the trim threshold.
        for (position, block) in blocks.enumerated() where position % 16 != 15 { free(block) }
    }

    /// glibc's `M_TRIM_THRESHOLD`: freed memory at the top of the heap beyond this goes back to the
    /// kernel.
    private static let mallocTrimThreshold: Int32 = -1

    /// `mallopt`, looked up at run time: Swift's Glibc module does not import `malloc.h`.
    private static func setMallocOption(_ option: Int32, _ value: Int32) {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        _ = unsafeBitCast(symbol, to: MallOpt.self)(option, value)
    }
}
