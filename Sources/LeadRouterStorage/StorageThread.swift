import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts the storage layer's threads of its own, named so that `ps -L`, `top -H` and `perf` tell
/// them apart. Foundation's `Thread.name`, set before `start`, never reached the kernel here: every
/// one of them showed as `oot.default-qos`.
enum StorageThread {
    /// Runs `body` on a new thread named `name` (the kernel keeps 15 bytes of it), lowered to
    /// background priority first when `background` (``BackgroundPriority``).
    static func start(named name: String, background: Bool = false, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            nameCurrentThread(name)
            if background { BackgroundPriority.lowerCurrentThread() }
            body()
        }
        thread.start()
    }

    /// Through `/proc/thread-self/comm`: `pthread_setname_np` needs `_GNU_SOURCE`, which Swift's
    /// Glibc module is not built with, and `prctl` is variadic, which Swift does not import.
    private static func nameCurrentThread(_ name: String) {
        #if os(Linux)
            let descriptor = open("/proc/thread-self/comm", O_WRONLY)
            guard descriptor >= 0 else { return }
            defer { close(descriptor) }
            let bytes = Array(name.utf8.prefix(15))
            _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        #endif
    }
}
