#if canImport(Glibc)
    import Glibc
#endif

/// How glibc's `malloc` grows the server's heaps.
///
/// A thread's heap in glibc is a 64 MB reservation made usable a few pages at a time, one `mprotect`
/// call each time an allocation reaches its end. The event loop's heap grows with every lead it routes
/// (the lead, its record and its place in the maps stay): 27,000 calls a second at 8 connections x 16
/// in flight, and `sysmalloc` 14 % of the loop's time in a profile. With a top pad of 64 MB a new heap
/// is made usable whole when it is created, and the main heap grows 64 MB at a time: six calls in
/// three seconds instead of 82,000. Memory is only reserved by this, not touched; glibc also keeps up
/// to 64 MB free at the top of a heap when it trims, and its mmap threshold stays at its 128 KB
/// default instead of rising with large frees. Alternating runs: in memory +5 to +6 %, durable +1 to
/// +13 % (docs/PERFORMANCE.md, item 111). Under a preloaded allocator (tcmalloc) it changes nothing
/// that allocator does.
enum HeapGrowth {
    private static let topPadBytes: Int32 = 64 << 20
    /// `M_TOP_PAD` in `<malloc.h>`, which the Glibc module does not import.
    private static let topPadOption: Int32 = -2

    /// Call before the server starts its event loops and storage threads: a thread's heap is made when
    /// it first allocates, and glibc reads the pad then (and whenever the main heap grows).
    static func padHeapTops() {
        #if canImport(Glibc)
            // `mallopt` looked up rather than declared, as `<malloc.h>` is not in the Glibc module.
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(nil, "mallopt") else { return }
            _ = unsafeBitCast(symbol, to: Mallopt.self)(topPadOption, topPadBytes)
        #endif
    }
}
