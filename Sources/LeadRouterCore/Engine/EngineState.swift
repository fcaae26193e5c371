import HashTreeCollections

/// Everything the engine knows, as one immutable value built from persistent (structurally shared)
/// maps: a change copies only the paths it touches, and any reader may keep a state as long as it likes.
public struct EngineState: Hashable, Sendable {
    public internal(set) var lastSeq: UInt64 = 0
    public internal(set) var policy = CompiledPolicy(.initial)
    public internal(set) var roster = Roster.empty
    public internal(set) var presence: TreeDictionary<RepID, RepPresence> = [:]
    public internal(set) var assignments: TreeDictionary<LeadID, Assignment> = [:]
    public internal(set) var queue: TreeDictionary<LeadID, QueueEntry> = [:]
    /// The latest event time; the engine never stamps an event earlier than this.
    public internal(set) var lastTime = Timestamp(millis: 0)
    /// Round-robin cursor per pool key: the rep picked last.
    public internal(set) var cursors: TreeDictionary<String, RepID> = [:]
    /// Fairness ledger: pool key → rep → standing.
    public internal(set) var ledger: TreeDictionary<String, TreeDictionary<RepID, LedgerEntry>> = [:]
    /// Offered and accepted leads per rep, so a rep going offline releases work without a scan.
    public internal(set) var openByRep: TreeDictionary<RepID, TreeSet<LeadID>> = [:]
    /// Offered leads by the second their SLA runs out, so expiry never scans every assignment.
    public internal(set) var slaBuckets: TreeDictionary<Int64, TreeSet<LeadID>> = [:]

    public init() {}

    /// Rebuilds a state from its events, as recovery and replay do.
    public init<Events: Sequence>(replaying events: Events) throws where Events.Element == EngineEvent {
        self.init()
        for event in events { try apply(event) }
    }

    public var openAssignmentCount: Int { assignments.values.reduce(0) { $0 + ($1.isOpen ? 1 : 0) } }

    /// Waiting leads in dispatch order.
    public var queueInOrder: [QueueEntry] { queue.values.sorted(by: QueueEntry.comesBefore) }
}
