import Foundation
import GRDB
import Synchronization

extension JournalStore {
    /// What a backup wrote.
    public struct Backup: Sendable {
        public var file: String
        public var bytes: UInt64
        /// The last event the copy holds: a server started from it resumes after this one.
        public var lastSeq: UInt64
    }

    /// A backup asked into a folder that already holds a copy: refused, the copy untouched.
    public struct BackupExists: Error, CustomStringConvertible {
        public var file: String
        public var description: String { "\(file) already exists; back up into a new or empty folder" }
    }

    /// Writes a consistent copy of the database as it is now into `folder` (made if missing) as
    /// `leadrouter.sqlite`, which makes the folder a data folder a server can start from, while the
    /// journal keeps committing. SQLite's `VACUUM INTO` reads one snapshot of the database, on a
    /// connection of its own: the store's reader serves streams catching up, which must not wait
    /// the seconds a large copy takes. It runs on a thread of its own at background priority
    /// (``BackgroundPriority``), so that routing gets the cores first; the caller waits for it.
    public func backup(into folder: String) throws -> Backup {
        let outcome = Mutex<Result<Backup, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        StorageThread.start(named: "lr-backup", background: true) {
            outcome.withLock { $0 = Result { try self.copy(into: folder) } }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }

    private func copy(into folder: String) throws -> Backup {
        let file = (folder as NSString).appendingPathComponent("leadrouter.sqlite")
        guard !FileManager.default.fileExists(atPath: file) else {
            throw BackupExists(file: file)
        }
        try Self.makeFolder(folder)
        var options = Configuration()
        options.readonly = true
        do {
            let connection = try DatabaseQueue(path: Self.location(of: path), configuration: options)
            try connection.inDatabase { try $0.execute(sql: "VACUUM INTO ?", arguments: [file]) }
            try connection.close()
            let copy = try DatabaseQueue(path: file, configuration: options)
            let lastSeq = try copy.read { try Int64.fetchOne($0, sql: "SELECT MAX(last_seq) FROM event_batches") } ?? 0
            try copy.close()
            let bytes = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.uint64Value ?? 0
            return Backup(file: file, bytes: bytes, lastSeq: UInt64(lastSeq))
        } catch {
            try? FileManager.default.removeItem(atPath: file)
            throw StorageError("backup into \(file) failed: \(error)")
        }
    }
}
