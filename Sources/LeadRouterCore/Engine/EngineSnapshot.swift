import HashTreeCollections

/// A whole engine state in plain form: what snapshots store.
///
/// Derived indexes (rule index, team and territory lists, SLA buckets) are rebuilt on load. The
/// assignments stay in their persistent table: taking a snapshot shares it instead of copying a
/// million records, and loading one hands the decoded table over as it is.
public struct EngineSnapshot: Sendable {
    public struct Pool: Sendable {
        public var cursor: Int32?
        public var entries: [Int32: LedgerEntry]

        public init(cursor: Int32?, entries: [Int32: LedgerEntry]) {
            self.cursor = cursor
            self.entries = entries
        }
    }

    public var lastSeq: UInt64
    public var lastTime: Timestamp
    public var policy: Policy
    /// By dense roster index; `nil` where a rep was removed.
    public var reps: [Rep?]
    public var territories: [Territory]
    public var accountOwners: [String: RepID]
    public var domainOwners: [String: RepID]
    public var presence: [RepPresence?]
    /// Each rep's open leads, parallel to `presence` (empty where it is `nil`).
    public var openLeads: [[LeadID]]
    public var assignments: AssignmentTable
    public var queue: [QueueEntry]
    public var pools: [String: Pool]
    /// Completed leads not yet archived, oldest first.
    public var completionLog: [LeadID] = []

    public init(
        lastSeq: UInt64, lastTime: Timestamp, policy: Policy, reps: [Rep?], territories: [Territory],
        accountOwners: [String: RepID], domainOwners: [String: RepID], presence: [RepPresence?],
        openLeads: [[LeadID]], assignments: AssignmentTable, queue: [QueueEntry], pools: [String: Pool],
        completionLog: [LeadID] = []
    ) {
        self.completionLog = completionLog
        self.lastSeq = lastSeq
        self.lastTime = lastTime
        self.policy = policy
        self.reps = reps
        self.territories = territories
        self.accountOwners = accountOwners
        self.domainOwners = domainOwners
        self.presence = presence
        self.openLeads = openLeads
        self.assignments = assignments
        self.queue = queue
        self.pools = pools
    }
}

extension EngineState {
    public var snapshot: EngineSnapshot {
        EngineSnapshot(
            lastSeq: lastSeq, lastTime: lastTime, policy: policy.policy, reps: roster.profiles.map { $0?.rep },
            territories: roster.territories.values.sorted { $0.id < $1.id }, accountOwners: roster.accountOwners,
            domainOwners: roster.domainOwners,
            presence: (0..<Int32(roster.profiles.count)).map { presence[dense: $0] },
            openLeads: (0..<Int32(roster.profiles.count)).map { index in
                guard let live = presence[dense: index], let rep = roster.profile(index)?.rep.id else { return [] }
                return presence.openList(dense: index).members(of: rep, open: live.openAssignments, in: assignments)
            },
            assignments: assignments, queue: Array(queue.values),
            pools: pools.reduce(into: [:]) { result, entry in
                result[entry.key.name] = .init(
                    cursor: entry.value.cursor,
                    entries: Dictionary(uniqueKeysWithValues: entry.value.entries.map { ($0.key, $0.value) }))
            }, completionLog: pendingCompletions)
    }

    /// Rebuilds the state a snapshot was taken from.
    public init(snapshot: EngineSnapshot) {
        self.init()
        lastSeq = snapshot.lastSeq
        lastTime = snapshot.lastTime
        policy = CompiledPolicy(snapshot.policy)
        roster = Roster(
            profiles: snapshot.reps.map { $0.map(RepProfile.init) },
            territories: Dictionary(snapshot.territories.map { ($0.id, $0) }, uniquingKeysWith: { $1 }),
            accountOwners: snapshot.accountOwners, domainOwners: snapshot.domainOwners)
        presence.follow(roster)
        for (index, live) in snapshot.presence.enumerated() {
            presence.set(Int32(index), live)
            if live != nil { presence.setOpenList(Int32(index), OpenLeads(exactly: snapshot.openLeads[index])) }
        }
        assignments = snapshot.assignments
        assignments.forEachRecord { record in
            if record.state == .offered, let deadline = record.slaDeadline {
                slaBuckets.add(record.lead.id, dueAt: deadline.seconds)
            }
        }
        for entry in snapshot.queue { queue[entry.lead] = entry }
        queueOrder.rebuild(from: queue)
        for (key, pool) in snapshot.pools {
            var entries = Ledger()
            for (rep, entry) in pool.entries { entries[rep] = entry }
            pools[HashedName(key)] = PoolState(cursor: pool.cursor, entries: entries)
        }
        for lead in snapshot.completionLog { completionLog.append(lead) }
    }
}
