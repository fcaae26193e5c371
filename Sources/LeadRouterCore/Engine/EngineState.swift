import HashTreeCollections

/// Everything the engine knows, as one immutable value built from persistent (structurally shared)
/// maps: a change copies only the paths it touches, and any reader may keep a state as long as it likes.
public struct EngineState: Hashable, Sendable {
    public internal(set) var lastSeq: UInt64 = 0
    /// The latest event time; the engine never stamps an event earlier than this.
    public internal(set) var lastTime = Timestamp(millis: 0)
    public internal(set) var policy = CompiledPolicy(.initial)
    public internal(set) var roster = Roster.empty
    public internal(set) var presence = PresenceTable()
    public internal(set) var assignments = AssignmentTable()
    public internal(set) var queue: TreeDictionary<LeadID, QueueEntry> = [:]
    /// The queue in dispatch order, derived from `queue` (not part of a state's identity).
    var queueOrder = QueueOrder()
    /// Members of the policy's pools of several teams, derived from `policy` and `roster` (not part
    /// of a state's identity).
    var teamUnions = TeamUnions()
    /// Waiting leads counted by rule, derived from `queue` (not part of a state's identity).
    var queueClasses = QueueClasses()
    /// Round-robin cursor and fairness ledger per pool key.
    public internal(set) var pools: TreeDictionary<HashedName, PoolState> = [:]
    /// Offered leads by the second their SLA runs out, so expiry never scans every assignment.
    var slaBuckets = SLABuckets()
    /// Leads in completion order; entries before `archivedThrough` have been archived.
    public internal(set) var completionLog = PersistentVector<LeadID>()
    public internal(set) var archivedThrough = 0
    /// When the tick last looked at the queue for leads time made placeable (not part of a state's
    /// identity).
    var timeDrivenLook = TimeDrivenLook()

    /// Completed leads still in memory, oldest completion first (what archiving takes next).
    public var pendingCompletions: [LeadID] { (archivedThrough..<completionLog.count).map { completionLog[$0] } }

    public init() {}

    /// Rebuilds a state from its events, as recovery and replay do.
    public init<Events: Sequence>(replaying events: Events) throws where Events.Element == EngineEvent {
        self.init()
        for event in events { try apply(event) }
    }

    /// Waiting leads in dispatch order.
    public var queueInOrder: [QueueEntry] { queue.values.sorted(by: QueueEntry.comesBefore) }

    /// One pool's fairness ledger by rep id.
    public func ledger(pool: String) -> [RepID: LedgerEntry] {
        guard let entries = pools[HashedName(pool)]?.entries else { return [:] }
        var byRep: [RepID: LedgerEntry] = [:]
        for (index, entry) in entries {
            if let profile = roster.profile(index) { byRep[profile.rep.id] = entry }
        }
        return byRep
    }

    /// Takes leads from the SLA buckets whose second has passed and answers those still offered past
    /// their deadline (at most `limit`), by deadline. Entries of offers accepted since are dropped on
    /// the way and do not count: a bucket keeps them (acceptance does not look for its entry), and in
    /// steady traffic most entries are such. The buckets are an index derived from the assignments
    /// (not part of the state's identity), so trimming them needs no event.
    mutating func takeOffersDue(by time: Timestamp, limit: Int = .max) -> [LeadID] {
        var due: [LeadID] = []
        while due.count < limit {
            let taken = slaBuckets.takeDue(by: time.seconds, limit: limit - due.count)
            if taken.isEmpty { break }
            due += stillDue(taken, by: time)
        }
        return due
    }

    /// Whether the SLA buckets hold leads due by `time` (some may have been accepted since).
    func hasOffersDue(by time: Timestamp) -> Bool { slaBuckets.hasDue(by: time.seconds) }

    /// States are equal when everything but the derived SLA index and queue order is.
    public static func == (lhs: EngineState, rhs: EngineState) -> Bool {
        lhs.lastSeq == rhs.lastSeq && lhs.lastTime == rhs.lastTime && lhs.policy == rhs.policy
            && lhs.roster == rhs.roster
            && lhs.presence == rhs.presence && lhs.assignments == rhs.assignments && lhs.queue == rhs.queue
            && lhs.pools == rhs.pools && lhs.pendingCompletions == rhs.pendingCompletions
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(lastSeq)
        hasher.combine(assignments.count)
    }

    /// Leads currently offered or accepted to a rep.
    public func openLeads(of rep: RepID) -> [LeadID] {
        guard let index = roster.indexOf[rep], let live = presence[dense: index] else { return [] }
        return presence.openList(dense: index).members(of: rep, open: live.openAssignments, in: assignments)
    }

    /// Offers whose SLA runs out at or before `time`, by deadline.
    public func offersDue(by time: Timestamp) -> [LeadID] { stillDue(slaBuckets.due(by: time.seconds), by: time) }

    private func stillDue(_ leads: [LeadID], by time: Timestamp) -> [LeadID] {
        leads.filter { lead in
            guard let record = assignments[lead], record.state == .offered, let deadline = record.slaDeadline else {
                return false
            }
            return deadline <= time
        }
    }

    /// The rep round-robin picked last in a pool.
    public func cursor(pool: String) -> RepID? {
        pools[HashedName(pool)]?.cursor.flatMap { roster.profile($0)?.rep.id }
    }
}
