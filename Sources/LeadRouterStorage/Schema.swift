import GRDB

/// Database schema, as GRDB migrations. A shipped migration is never edited; changes are new ones.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        seq INTEGER PRIMARY KEY,
                        time_ms INTEGER NOT NULL,
                        lead TEXT,
                        body BLOB NOT NULL
                    );
                    CREATE INDEX events_lead ON events(lead);
                    CREATE TABLE snapshots (
                        seq INTEGER PRIMARY KEY,
                        created_ms INTEGER NOT NULL,
                        checksum INTEGER NOT NULL,
                        body BLOB NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-history") { db in
            try db.execute(
                sql: """
                    CREATE TABLE history (
                        lead TEXT PRIMARY KEY,
                        rep TEXT,
                        completed_ms INTEGER NOT NULL,
                        body BLOB NOT NULL
                    );
                    CREATE INDEX history_rep ON history(rep);
                    """)
        }
        // No query ever read events by lead, and the index cost every journal append a B-tree insert
        // at a random place (a dirty page, so a WAL page write, per event).
        migrator.registerMigration("v3-drop-events-lead-index") { db in
            try db.execute(sql: "DROP INDEX IF EXISTS events_lead")
        }
        // One row per transaction instead of one per event: a commit of 32 routes was 32 B-tree inserts,
        // each with its own bindings (3.2–3.6 µs per event, against 2.5 µs as one row). The lead column goes
        // with it; nothing read it.
        migrator.registerMigration("v4-event-batches") { db in
            try db.execute(
                sql: """
                    CREATE TABLE event_batches (
                        first_seq INTEGER PRIMARY KEY,
                        last_seq INTEGER NOT NULL,
                        body BLOB NOT NULL
                    );
                    """)
            let insert = try db.makeStatement(
                sql: "INSERT INTO event_batches(first_seq, last_seq, body) VALUES (?, ?, ?)")
            let rows = try Row.fetchCursor(db, sql: "SELECT seq, body FROM events ORDER BY seq")
            while let row = try rows.next() {
                let seq: Int64 = row["seq"]
                try insert.execute(arguments: [seq, seq, EventCodec.batch([row["body"]])])
            }
            try db.execute(sql: "DROP TABLE events")
        }
        // Snapshot bodies in parts, each stored in its own transaction, with the `snapshots` row last:
        // one transaction of 200 MB held every durable acknowledgement for as long as it took.
        migrator.registerMigration("v5-snapshot-parts") { db in
            try db.execute(
                sql: """
                    ALTER TABLE snapshots ADD COLUMN parts INTEGER NOT NULL DEFAULT 0;
                    CREATE TABLE snapshot_parts (
                        seq INTEGER NOT NULL,
                        part INTEGER NOT NULL,
                        body BLOB NOT NULL,
                        PRIMARY KEY (seq, part)
                    );
                    """)
        }
        return migrator
    }

    static let knownMigrations: Set<String> = [
        "v1", "v2-history", "v3-drop-events-lead-index", "v4-event-batches", "v5-snapshot-parts",
    ]
}
