import GRDB
import GRDBSQLite
import LeadRouterCore

/// The bytes of one journal row (``EventCodec/encode(batch:)``), in buffers kept from one commit to
/// the next, and the row's insert.
///
/// A new row buffer for every commit was a 3 KB allocation at 8 events, which glibc serves outside its
/// per-thread cache, from the top of a heap the benchmark's state keeps growing; with its copy into
/// a `Data` and GRDB's arguments that was 9 % of a durable event loop at one connection with 16 calls
/// in flight. Now the row is written into the same buffer every time and SQLite reads it in place.
///
/// `@unchecked Sendable`: it owns its buffers alone (it cannot be copied), and the store's mutex lends
/// it to one committer at a time.
struct JournalRow: ~Copyable, @unchecked Sendable {
    private var row = BinaryWriter(capacity: Self.initialBytes)
    private var scratch = BinaryWriter()

    /// Bytes encoded.
    var count: Int { row.count }

    /// Encodes `events` as the row, replacing the last one.
    mutating func encode(_ events: some Collection<EngineEvent>) throws {
        // A catch-up commit of thousands of events grows the buffer; it is not kept that large.
        if row.count > Self.keptBytes { row = BinaryWriter(capacity: Self.initialBytes) }
        try EventCodec.encode(batch: events, into: &row, scratch: &scratch)
    }

    /// Runs `statement`, an insert of (first sequence number, last sequence number, body), with the row
    /// bound in place: SQLite reads the bytes during the step (`SQLITE_STATIC`, the nil destructor) and
    /// forgets them at the reset, so they are neither copied into a `Data` nor by SQLite.
    func insert(into statement: Statement, first: UInt64, last: UInt64, of db: Database) throws {
        let handle = statement.sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        let code = row.withBytes { body in
            sqlite3_bind_int64(handle, 1, Int64(first))
            sqlite3_bind_int64(handle, 2, Int64(last))
            sqlite3_bind_blob(handle, 3, body.baseAddress, Int32(body.count), nil)
            return sqlite3_step(handle)
        }
        guard code == SQLITE_DONE else {
            let message = db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }

    /// About 80 route events, most commits' worth.
    private static let initialBytes = 16 * 1024
    private static let keptBytes = 1 << 20
}
