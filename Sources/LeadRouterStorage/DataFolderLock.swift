import Atomics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One server per data folder: an exclusive `flock` on `leadrouter.lock`, held while the store is open.
///
/// SQLite's exclusive locking mode used to do this, but it also keeps the write-ahead log's index in
/// the connection's own memory, so no second connection can checkpoint beside the journal's. SQLite's
/// `unix-excl` VFS locks the database file too, but only where SQLite reads URI file names, and its
/// refusal would be a bare SQLITE_BUSY; this lock holds everywhere and says what to do. The kernel
/// drops it when the process dies, however it dies, so a crash never leaves the folder locked.
final class DataFolderLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock, or throws a ``StorageError`` naming the folder when another process holds it.
    init(directory: String) throws {
        let path = directory.hasSuffix("/") ? directory + "leadrouter.lock" : directory + "/leadrouter.lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StorageError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            close(descriptor)
            if reason == EWOULDBLOCK {
                throw StorageError(
                    "\(directory) is in use by another LeadRouter process (it holds \(path)); stop that server or give this one another data folder"
                )
            }
            throw StorageError("cannot lock \(path): \(String(cString: strerror(reason)))")
        }
        self.descriptor = descriptor
    }

    /// Whether the descriptor is closed already: the exchange lets exactly one caller close it (a
    /// descriptor number closed twice could be another file's by then).
    private let released = ManagedAtomic(false)

    /// Lets another server take the folder; later calls (and the deinit) do nothing.
    func release() {
        // Closing the only descriptor of this open file releases the lock.
        if !released.exchange(true, ordering: .acquiringAndReleasing) { close(descriptor) }
    }

    deinit { release() }
}
