/// How the journal and snapshots behave.
public struct StorageConfiguration: Sendable {
    public enum Durability: String, Sendable {
        /// A call is answered only after its events are committed: an acknowledged call survives
        /// `kill -9` of the server.
        case sync
        /// Answer first; events are committed within the group-commit window. A crash can lose the
        /// calls acknowledged in the last window (and any still queued for the writer).
        case async
    }

    /// The folder holding `leadrouter.sqlite`.
    public var directory: String
    public var durability: Durability = .sync
    /// Under load (the previous transaction carried 4 events or more), how long the writer waits to
    /// gather a bigger batch before committing. 0 (the default) never waits: each transaction carries
    /// whatever arrived while the previous one committed, which is the best batch when a commit is cheap
    /// (`fsync: false`). Waiting pays off only when every commit costs a disk flush (`fsync: true`);
    /// with closed-loop clients it merely delays them (measured: 8 connections, one call each in
    /// flight, 5,200 routes/s with 1 ms against 18,000 with none).
    public var groupCommitWindowMicroseconds: Int = 0
    /// Most events in one transaction.
    public var maxBatchEvents: Int = 8192
    /// `true` fsyncs every commit (survives power loss); `false` survives process crashes only.
    public var fsync: Bool = false
    /// Write a snapshot after this many events ...
    public var snapshotEveryEvents: UInt64 = 200_000
    /// ... or this many seconds, whichever comes first (when anything changed).
    public var snapshotEverySeconds: Double = 300
    /// Events kept in the journal behind the newest snapshot, for stream resume and history.
    public var retainedEvents: UInt64 = 1_000_000
    /// Write-ahead log pages (4 KB each, as estimated from what the journal commits) after which a
    /// background thread copies the log back into the database file; the log file stays about this
    /// size. A larger log means rarer checkpoints, each holding the journal a little longer at its end.
    public var checkpointEveryPages: Int = 8_000
    /// Completed assignments kept in memory; older ones move to the SQLite history table and are still
    /// answered by get, list and explain. Routing an archived lead id again starts a new assignment.
    public var completedInMemory: Int = 200_000
    /// How long an idle writer thread sleeps before it looks for a due snapshot on its own. Tests
    /// lengthen it to keep the writer from taking the committing role at moments they cannot control.
    var idleWakeMilliseconds = 500

    public init(directory: String) {
        self.directory = directory
    }
}
