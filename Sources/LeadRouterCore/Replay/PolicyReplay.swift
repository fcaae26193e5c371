/// Replays a window of recorded traffic against a candidate policy, to see what it would change in
/// fairness, speed-to-lead and SLA misses before applying it.
///
/// Give it the state the window starts from, then the window's events in journal order
/// (``record(_:)``), then ``run()``. The events become inputs (arrivals, status changes, admin
/// changes: ``ReplayInput``) and a model of how reps answer offers (``RepBehaviour``); two
/// simulations run those inputs from the same start, one under the live policies, one under the
/// candidate, and the report sets both beside the recording itself.
public struct PolicyReplay {
    /// Leads routed differently that a report lists by default.
    public static let changesListed = 20
    public let start: EngineState
    public let candidate: Policy
    private var inputs: [ReplayInput] = []
    private var behaviour = RepBehaviour()
    private var recorded: OutcomeTally
    private var recordedEnd: EngineState
    private var firstEvent: (seq: UInt64, time: Timestamp)?

    public init(start: EngineState, candidate: Policy) {
        self.start = start
        self.candidate = candidate
        recorded = OutcomeTally(start: start)
        recordedEnd = start
    }

    /// Events recorded so far.
    public var events: Int { firstEvent.map { Int(recordedEnd.lastSeq - $0.seq) + 1 } ?? 0 }

    /// Takes the next recorded event; they must follow the start state (and each other) without a gap.
    public mutating func record(_ event: EngineEvent) throws {
        try recordedEnd.apply(event)
        if firstEvent == nil { firstEvent = (event.seq, event.time) }
        let arrival = recorded.add(event)
        behaviour.observe(event)
        if let action = Self.input(of: event, arrival: arrival) {
            inputs.append(ReplayInput(time: event.time, action: action))
        }
    }

    /// What the outside world did in `event`, if anything; `arrival`: the lead it offers or queues
    /// arrived with it (its first appearance in the window, and not open at its start).
    private static func input(of event: EngineEvent, arrival: Lead?) -> ReplayInput.Action? {
        switch event.kind {
        case .offered, .queued: return arrival.map { .route($0) }
        case .availabilityChanged(let change): return .availability(change)
        case .repsUpserted(let reps): return .upsertReps(reps)
        case .repRemoved(let rep): return .removeRep(rep)
        case .territoriesSet(let territories): return .setTerritories(territories)
        case .accountOwnersSet(let owners, let replace): return .setAccountOwners(owners, replace: replace)
        case .policyApplied(let policy): return .applyPolicy(policy)
        case .released(let lead, _, let reason):
            return ReplayInput.isEngineRelease(reason) ? nil : .reassign(lead, reason: reason)
        case .accepted, .completed, .expired, .escalated, .archived: return nil
        }
    }

    /// Runs both simulations and compares them. Takes about as long as routing the window's leads
    /// twice, on the caller's thread.
    public func run(changesListed: Int = Self.changesListed) -> ReplayReport {
        run(changesListed: changesListed, stoppingWhen: { false })!
    }

    /// ``run(changesListed:)`` that gives up, answering `nil`, once `stop` says so (it is asked
    /// every 64 steps of either simulation): a server stops the replay of a caller who
    /// cancelled or went away, instead of routing a day's traffic twice for nobody.
    public func run(changesListed: Int = Self.changesListed, stoppingWhen stop: () -> Bool) -> ReplayReport? {
        var behaviour = behaviour
        behaviour.settle()
        let begin = firstEvent?.time ?? start.lastTime
        let end = recordedEnd.lastTime
        // Explanations are not part of the comparison; counting rejections is cheaper than listing them.
        let configuration = EngineConfiguration(detailedExplanations: false, historyCapacity: 1024)
        guard
            let live = ReplaySimulation(
                start: start, candidate: nil, behaviour: behaviour, configuration: configuration
            ).run(inputs, from: begin, until: end, stoppingWhen: stop),
            let trial = ReplaySimulation(
                start: start, candidate: candidate, behaviour: behaviour, configuration: configuration
            ).run(inputs, from: begin, until: end, stoppingWhen: stop)
        else { return nil }
        let changed = live.tally.arrivedAt.keys.filter { live.tally.firstRep[$0] != trial.tally.firstRep[$0] }.sorted()
        return ReplayReport(
            firstSeq: firstEvent?.seq ?? start.lastSeq, lastSeq: recordedEnd.lastSeq,
            from: begin, to: end, candidateVersion: candidate.version,
            recorded: recorded.finish(end: recordedEnd), live: live.tally.finish(end: live.end),
            candidate: trial.tally.finish(end: trial.end), changedLeads: changed.count,
            changes: changed.prefix(changesListed).map {
                ReplayReport.Change(lead: $0, live: live.tally.firstRep[$0], candidate: trial.tally.firstRep[$0])
            })
    }
}
