#if canImport(Glibc)
    import Glibc
#endif

/// Lowers the scheduling priority of threads that do background work (encoding snapshots), so that
/// under load the event loops get the cores first.
///
/// A snapshot of a few hundred thousand assignments takes a second or more of CPU on every core. At
/// equal priority its encoders took turns with the loops, and every call waited meanwhile: about a
/// quarter of a durable server's CPU at depth 16 in `compare.sh`. At nice 10 (a tenth of a normal
/// thread's share when both want a core) the loops run first and the snapshot fills the idle time;
/// under sustained saturation it takes longer, and the journal waits longer for its compaction.
enum BackgroundPriority {
    /// The nice value of background threads.
    static let niceness: Int32 = 10

    /// Lowers the calling thread's priority for good. On Linux nice values are per thread, and a
    /// thread created afterwards inherits its creator's (elsewhere this does nothing: `setpriority`
    /// there changes the whole process).
    static func lowerCurrentThread() {
        #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }
}
