import Foundation
import GRDB
import LeadRouterCore
import Logging
import Synchronization

/// The SQLite file: the event journal and the snapshots. With ``WALCheckpointer`` and ``JournalRow``
/// (the journal's insert, bound in place), the only types that talk to GRDB.
///
/// One `DatabaseQueue` serialises the journal's writes, from whoever commits the journal. Reads
/// (recovery, stream resume, history, a policy replay's window and snapshots) go through a second,
/// read-only connection, so a long one never holds a commit up: in WAL mode a reader sees every
/// transaction committed before its own began. A third connection belongs to the checkpointer and
/// only copies the write-ahead log back. `leadrouter.lock` keeps a second process
/// out of the folder (``DataFolderLock``).
public final class JournalStore: Sendable {
    public let path: String
    private let database: DatabaseQueue
    /// Read-only; see above.
    let reader: DatabaseQueue
    private let logger: Logger
    private let lock: DataFolderLock
    let checkpointer: WALCheckpointer
    /// The journal's row buffers, kept from one commit to the next; only a committer takes them.
    private let row = Mutex(JournalRow())

    public init(configuration: StorageConfiguration, logger: Logger) throws {
        self.logger = logger
        try Self.makeFolder(configuration.directory)
        lock = try DataFolderLock(directory: configuration.directory)
        path = (configuration.directory as NSString).appendingPathComponent("leadrouter.sqlite")
        var options = Configuration()
        options.journalMode = .wal
        // The two connections meet only on SQLite's log locks, held for microseconds.
        options.busyMode = .timeout(5)
        let synchronous = configuration.fsync ? "FULL" : "NORMAL"
        options.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            // No automatic checkpoint inside a commit: the checkpointer copies the log back beside
            // the commits (see `WALCheckpointer`).
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        do {
            let location = Self.location(of: path)
            database = try DatabaseQueue(path: location, configuration: options)
            try Self.migrate(database, path: path)
            var readOnly = Configuration()
            readOnly.readonly = true
            readOnly.busyMode = .timeout(5)
            reader = try DatabaseQueue(path: location, configuration: readOnly)
            checkpointer = WALCheckpointer(
                connection: try DatabaseQueue(path: location, configuration: options),
                thresholdPages: configuration.checkpointEveryPages, logger: logger)
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError("cannot open \(path): \(error)")
        }
    }

    deinit {
        checkpointer.stop()
    }

    /// Lets go of the data folder once the server writing it has stopped: the checkpointer stops, the
    /// connections close (SQLite holds the file exclusively while they are open, see `location`) and
    /// the folder's lock is released, so another server may open it: in another process, or a test's
    /// next one in this process, where the stopped server's parts outlive it. Later reads and writes
    /// throw (`SQLITE_MISUSE`).
    public func close() {
        // Each connection is closed whether or not another one could be.
        for (name, closing) in [
            ("checkpointer", checkpointer.close), ("reader", reader.close), ("journal", database.close),
        ] {
            do {
                try closing()
            } catch {
                logger.warning(
                    "a connection to the journal's database did not close",
                    metadata: ["connection": "\(name)", "error": "\(error)"])
            }
        }
        lock.release()
    }

    /// Creates the data folder and any folder above it that is missing. Foundation's error reads
    /// "The file doesn't exist." whatever went wrong, so the reason given is the system's own answer
    /// to making the folder itself.
    static func makeFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            guard mkdir(path, 0o755) != 0 else { return }
            if errno == EEXIST { throw StorageError("cannot use \(path) as the data folder: it is not a folder") }
            throw StorageError("cannot create the data folder \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The file as SQLite's `unix-excl` VFS opens it: the process holds the database file's lock for as
    /// long as it is open and keeps the WAL index in its own memory, which the connections of one
    /// process share. The default VFS locks the index's shared-memory file with six `fcntl` calls per
    /// transaction (2.5 µs of a one-event transaction's 12); here the same locks are taken in memory.
    /// Needs URI file names, which Debian's SQLite reads by default; without them, the plain path.
    static func location(of path: String) -> String {
        guard readsURIFilenames else { return path }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let encoded = absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? absolute
        return "file:\(encoded)?vfs=unix-excl"
    }

    private static let readsURIFilenames: Bool =
        (try? DatabaseQueue().read { try Bool.fetchOne($0, sql: "SELECT sqlite_compileoption_used('USE_URI')") })
        == true

    private static func migrate(_ database: DatabaseQueue, path: String) throws {
        let migrator = Schema.migrator
        let applied = try database.read { try migrator.appliedIdentifiers($0) }
        let unknown = applied.subtracting(Schema.knownMigrations)
        guard unknown.isEmpty else {
            throw StorageError(
                "\(path) was written by a newer LeadRouter (schema migrations \(unknown.sorted().joined(separator: ", ")) are unknown to this version); run the newer version or restore a backup"
            )
        }
        try migrator.migrate(database)
    }

    // MARK: journal

    /// Appends events in one transaction (the group commit), as one row. The events must follow each
    /// other without a gap, as the writer hands them over.
    public func append<Events: BidirectionalCollection<EngineEvent>>(_ events: Events) throws {
        guard let first = events.first?.seq, let last = events.last?.seq else { return }
        // Readers number a row's events by position from `first_seq`, so a gap would misnumber them.
        guard last - first + 1 == UInt64(events.count) else {
            throw StorageError("journal append of events \(first)...\(last) is not contiguous (\(events.count) events)")
        }
        // Archived assignments go to the history table in the same transaction as their event.
        var archived: [(Assignment, Data)] = []
        for event in events {
            if case .archived(let records, _) = event.kind {
                for record in records {
                    var writer = BinaryWriter()
                    writer.assignment(record)
                    archived.append((record, writer.data))
                }
            }
        }
        try row.withLock { row in
            try row.encode(events)
            try commit(row, first: first, last: last, archived: archived)
        }
    }

    private func commit(_ row: borrowing JournalRow, first: UInt64, last: UInt64, archived: [(Assignment, Data)]) throws
    {
        try database.writeWithoutTransaction { db in
            let insert = try db.cachedStatement(
                sql: "INSERT INTO event_batches(first_seq, last_seq, body) VALUES (?, ?, ?)")
            if archived.isEmpty {
                // One statement is its own transaction: no BEGIN and COMMIT to run around it.
                try row.insert(into: insert, first: first, last: last, of: db)
            } else {
                try commitWithHistory(row, insert: insert, first: first, last: last, archived: archived, in: db)
            }
            // A commit writes the table's last page or two again, the body its own pages, and each
            // archived record a page of the history table and one of its index.
            checkpointer.committed(pages: 2 + row.count / Self.pageBytes + 2 * archived.count, on: db)
        }
    }

    /// The row and the archived records in one transaction, through our own cached BEGIN and COMMIT
    /// rather than `write`'s, which SQLite parses afresh every time (13.6 → 11.2 µs for one event).
    private func commitWithHistory(
        _ row: borrowing JournalRow, insert: Statement, first: UInt64, last: UInt64, archived: [(Assignment, Data)],
        in db: Database
    ) throws {
        try db.cachedStatement(sql: "BEGIN").execute()
        do {
            try row.insert(into: insert, first: first, last: last, of: db)
            let history = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO history(lead, rep, completed_ms, body) VALUES (?, ?, ?, ?)")
            for (record, body) in archived {
                try history.execute(arguments: [record.lead.id, record.rep, record.completedAt?.millis ?? 0, body])
            }
            try db.cachedStatement(sql: "COMMIT").execute()
        } catch {
            try? db.execute(sql: "ROLLBACK")
            throw error
        }
    }

    /// SQLite's page size, for the checkpointer's estimate of the log's growth.
    private static let pageBytes = 4096

    public var lastJournalSeq: UInt64 {
        get throws {
            try reader.read { db in
                UInt64(try Int64.fetchOne(db, sql: "SELECT MAX(last_seq) FROM event_batches") ?? 0)
            }
        }
    }

    /// Journal events after `seq`, in order.
    public func events(after seq: UInt64, limit: Int) throws -> [EngineEvent] {
        try rows(after: seq, limit: limit).map { try EventCodec.decodeEvent($0.body) }
    }

    /// An archived (completed, moved out of memory) assignment.
    public func history(lead: LeadID) throws -> Assignment? {
        try reader.read { db in
            guard let body = try Data.fetchOne(db, sql: "SELECT body FROM history WHERE lead = ?", arguments: [lead])
            else {
                return nil
            }
            var reader = BinaryReader(body)
            return try reader.assignment()
        }
    }

    /// Archived assignments with lead ids after `after`, in lead id order, optionally for one rep.
    public func history(after: LeadID, rep: RepID?, limit: Int) throws -> [Assignment] {
        try reader.read { db in
            let bodies =
                if let rep {
                    try Data.fetchAll(
                        db, sql: "SELECT body FROM history WHERE lead > ? AND rep = ? ORDER BY lead LIMIT ?",
                        arguments: [after, rep, limit])
                } else {
                    try Data.fetchAll(
                        db, sql: "SELECT body FROM history WHERE lead > ? ORDER BY lead LIMIT ?",
                        arguments: [after, limit])
                }
            return try bodies.map { body in
                var reader = BinaryReader(body)
                return try reader.assignment()
            }
        }
    }

    /// Removes events after `seq` (a torn or unreadable tail found during recovery); a row holding
    /// events on both sides keeps those up to `seq`.
    public func truncate(after seq: UInt64) throws {
        try database.write { db in
            let straddling = try Row.fetchOne(
                db, sql: "SELECT first_seq, body FROM event_batches WHERE first_seq <= ? AND last_seq > ?",
                arguments: [Int64(seq), Int64(seq)])
            try db.execute(sql: "DELETE FROM event_batches WHERE last_seq > ?", arguments: [Int64(seq)])
            guard let straddling, let events = EventCodec.split(batch: straddling["body"]) else { return }
            let first: Int64 = straddling["first_seq"]
            try db.execute(
                sql: "INSERT INTO event_batches(first_seq, last_seq, body) VALUES (?, ?, ?)",
                arguments: [first, Int64(seq), EventCodec.batch(Array(events.prefix(Int(Int64(seq) - first + 1))))])
        }
    }

    /// Encoded journal events after `seq`, at most `limit`, each with the sequence number its row's
    /// position gives it (for recovery, which decodes them one by one). A row that cannot be split comes
    /// back whole, as its first event, so decoding it fails and recovery stops there.
    ///
    /// Rows are read one at a time from the one holding `seq + 1`, found through the primary key, and
    /// only until `limit` events are in: a `LIMIT` on rows read that many rows (each up to dozens of
    /// events) for every call, and a filter on `last_seq` alone scanned the table from its start, so
    /// replaying a million events after a crash took ten seconds.
    func rows(after seq: UInt64, limit: Int) throws -> [(seq: UInt64, body: Data)] {
        try reader.read { db in
            var rows: [(seq: UInt64, body: Data)] = []
            let batches = try Row.fetchCursor(
                db,
                sql: """
                    SELECT first_seq, body FROM event_batches
                    WHERE first_seq >= IFNULL((SELECT MAX(first_seq) FROM event_batches WHERE first_seq <= ?), 0)
                        AND last_seq > ?
                    ORDER BY first_seq
                    """,
                arguments: [Int64(seq) + 1, Int64(seq)])
            while rows.count < limit, let batch = try batches.next() {
                let first = UInt64(batch["first_seq"] as Int64)
                let body: Data = batch["body"]
                guard let events = EventCodec.split(batch: body) else {
                    if first > seq { rows.append((first, body)) }
                    break
                }
                for (offset, event) in events.enumerated() where first + UInt64(offset) > seq {
                    guard rows.count < limit else { break }
                    rows.append((first + UInt64(offset), event))
                }
            }
            return rows
        }
    }

    /// The oldest event still in the journal (1 when nothing was compacted).
    public var oldestJournalSeq: UInt64 {
        get throws {
            try reader.read { db in
                UInt64(try Int64.fetchOne(db, sql: "SELECT MIN(first_seq) FROM event_batches") ?? 0)
            }
        }
    }

    /// Copies the write-ahead log into the database file and empties it, so the folder's size is the
    /// data's (the WAL otherwise holds about ``StorageConfiguration/checkpointEveryPages`` pages).
    public func checkpoint() throws {
        try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    // MARK: snapshots

    public func writeSnapshot(_ snapshot: EngineSnapshot, at time: Timestamp) throws {
        try insertSnapshot(seq: snapshot.lastSeq, body: try EventCodec.encode(snapshot), at: time)
    }

    /// Stores a snapshot body already encoded with `EventCodec.encode` (the writer encodes off its
    /// thread), in parts of `partBytes`, each in its own transaction, calling `between` after each: the
    /// writer commits the journal there, so acknowledgements wait for one part, never for the whole
    /// body. The `snapshots` row goes in last, so a snapshot cut short by a crash is never read (its
    /// parts go at the next compaction).
    func insertSnapshot(
        seq: UInt64, body: SnapshotBody, at time: Timestamp, partBytes: Int = 4 << 20, between: () -> Void = {}
    ) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM snapshot_parts WHERE seq = ?", arguments: [Int64(seq)])
        }
        var checksum = SnapshotChecksum()
        var parts = 0
        try body.forEachPart(of: partBytes) { part in
            checksum.add(part)
            try database.writeWithoutTransaction { db in
                try db.inTransaction {
                    try db.execute(
                        sql: "INSERT INTO snapshot_parts(seq, part, body) VALUES (?, ?, ?)",
                        arguments: [Int64(seq), parts, Data(part)])
                    return .commit
                }
                checkpointer.committed(pages: 2 + part.count / Self.pageBytes, on: db)
            }
            parts += 1
            between()
        }
        try database.write { db in
            try db.execute(
                sql:
                    "INSERT OR REPLACE INTO snapshots(seq, created_ms, checksum, body, parts) VALUES (?, ?, ?, X'', ?)",
                arguments: [Int64(seq), time.millis, checksum.value, parts])
        }
    }

    /// Drops journal events no longer needed: older than the newest snapshot by more than `retained`,
    /// and snapshots older than the previous one (one spare is kept in case the newest is damaged).
    public func compact(retained: UInt64) throws {
        try database.write { db in
            let seqs = try Int64.fetchAll(db, sql: "SELECT seq FROM snapshots ORDER BY seq DESC")
            guard seqs.count >= 1 else { return }
            if seqs.count > 2 {
                try db.execute(sql: "DELETE FROM snapshots WHERE seq < ?", arguments: [seqs[1]])
            }
            // Parts of dropped snapshots, and of any whose storing a crash cut short.
            try db.execute(sql: "DELETE FROM snapshot_parts WHERE seq NOT IN (SELECT seq FROM snapshots)")
            // Keep every event after the spare snapshot so it can still be replayed forward.
            let keepFrom = min(seqs.count > 1 ? seqs[1] : seqs[0], seqs[0] - Int64(min(retained, UInt64(seqs[0]))))
            // Whole rows only: a row that holds any event after `keepFrom` stays.
            try db.execute(sql: "DELETE FROM event_batches WHERE last_seq <= ?", arguments: [keepFrom])
        }
    }

    /// Sequence numbers of the stored snapshots, newest first.
    func snapshotSeqs() throws -> [UInt64] {
        try reader.read { db in
            try Int64.fetchAll(db, sql: "SELECT seq FROM snapshots ORDER BY seq DESC").map(UInt64.init)
        }
    }

    /// One snapshot's body and whether it matches its checksum. Loaded one at a time: a body can be
    /// a hundred megabytes, and recovery usually needs only the newest.
    func snapshot(seq: UInt64) throws -> (body: Data, valid: Bool)? {
        try reader.read { db in
            try Row.fetchOne(
                db, sql: "SELECT checksum, body, parts FROM snapshots WHERE seq = ?", arguments: [Int64(seq)]
            )
            .map { row in
                var body: Data = row["body"]
                let parts: Int = row["parts"]
                if parts > 0 {
                    // A missing part leaves the body short, so it fails its checksum like any damage.
                    let pieces = try Data.fetchAll(
                        db, sql: "SELECT body FROM snapshot_parts WHERE seq = ? ORDER BY part",
                        arguments: [Int64(seq)])
                    body = Data(capacity: pieces.reduce(0) { $0 + $1.count })
                    for piece in pieces { body.append(piece) }
                }
                let checksum: Int64 = row["checksum"]
                let valid =
                    EventCodec.checksum(body) == checksum || EventCodec.bytewiseChecksum(body) == checksum
                return (body, valid)
            }
        }
    }

    /// For tests and tooling: run raw SQL (e.g. to damage a snapshot on purpose).
    public func execute(_ sql: String) throws {
        try database.write { try $0.execute(sql: sql) }
    }
}
