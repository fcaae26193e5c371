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
    /// By dense roster index. Each rep's open leads, and so ``RepPresence/openAssignments``, are not
    /// stored: loading works them out from the assignment records, which are the truth.
    public var presence: [RepPresence?]
    public var assignments: AssignmentTable
    public var queue: [QueueEntry]
    public var pools: [String: Pool]
    /// Completed leads not yet archived, oldest first.
    public var completionLog: [LeadID] = []

    public init(
        lastSeq: UInt64, lastTime: Timestamp, policy: Policy, reps: [Rep?], territories: [Territory],
        accountOwners: [String: RepID], domainOwners: [String: RepID], presence: [RepPresence?],
        assignments: AssignmentTable, queue: [QueueEntry], pools: [String: Pool],
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
        assignments = snapshot.assignments
        // Each rep's open leads come from the records, in one walk with the SLA index. Listing them in
        // the snapshot as well walked a linked list per rep (a cache miss per lead) and wrote every
        // open lead's id a second time: a third of a snapshot's time.
        var open = [[LeadID]](repeating: [], count: snapshot.presence.count)
        let indexOf = roster.indexOf
        assignments.forEachRecord { record in
            if record.state == .offered, let deadline = record.slaDeadline {
                slaBuckets.add(record.lead.id, dueAt: SLABuckets.second(of: deadline))
            }
            if record.isOpen, let rep = record.rep, let index = indexOf[rep], Int(index) < open.count {
                open[Int(index)].append(record.lead.id)
            }
        }
        presence.follow(roster)
        for (position, live) in snapshot.presence.enumerated() {
            let index = Int32(position)
            guard var live else {
                presence.set(index, nil)
                continue
            }
            let leads = open[position]
            live.openAssignments = leads.count
            presence.set(index, live)
            presence.setOpenList(index, OpenLeads(exactly: leads))
        }
        for entry in snapshot.queue { queue[entry.lead] = entry }
        queueOrder.rebuild(from: queue)
        teamUnions = TeamUnions(policy: self.policy, roster: roster)
        queueClasses.rebuild(from: queue, assignments: assignments)
        for (key, pool) in snapshot.pools {
            var entries = Ledger()
            for (rep, entry) in pool.entries { entries[rep] = entry }
            pools[HashedName(key)] = PoolState(cursor: pool.cursor, entries: entries)
        }
        for lead in snapshot.completionLog { completionLog.append(lead) }
    }
}
