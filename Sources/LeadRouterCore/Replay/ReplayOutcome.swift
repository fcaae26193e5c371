/// What happened to the leads of a replay's window under one policy: the recording itself, or one
/// of the replay's simulations.
public struct ReplayOutcome: Hashable, Sendable {
    /// Leads that arrived in the window (routed for the first time).
    public var leads = 0
    public var offeredOnArrival = 0
    public var queuedOnArrival = 0
    /// Arrivals never offered to anyone by the window's end.
    public var neverOffered = 0
    /// Offers made in the window, first offers and re-offers after an expiry or release.
    public var offers = 0
    public var accepted = 0
    /// Offers whose SLA ran out before the rep accepted.
    public var slaMisses = 0
    public var escalations = 0
    /// Arrival to first offer, and arrival to acceptance (speed-to-lead), in milliseconds, of the
    /// arrivals that got that far.
    public var timeToAssign = Quantiles()
    public var timeToAccept = Quantiles()
    /// Each rep's share of what the window gave through their pools, against their target share.
    public var shares: [RepShare] = []

    public init() {}

    /// The mean and the largest distance between a rep's share and their target, over reps with a
    /// target (0 is perfectly fair).
    public var fairnessGap: (mean: Double, largest: Double) {
        let gaps = shares.filter { $0.target > 0 }.map { abs($0.share - $0.target) }
        guard !gaps.isEmpty else { return (0, 0) }
        return (gaps.reduce(0, +) / Double(gaps.count), gaps.max()!)
    }

    /// The median and 90th percentile of a set of durations in milliseconds.
    public struct Quantiles: Hashable, Sendable {
        public var count = 0
        public var p50: Int64 = 0
        public var p90: Int64 = 0

        public init() {}

        init(_ values: [Int64]) {
            guard !values.isEmpty else { return }
            let sorted = values.sorted()
            count = sorted.count
            p50 = sorted[min(sorted.count - 1, sorted.count / 2)]
            p90 = sorted[min(sorted.count - 1, sorted.count * 9 / 10)]
        }
    }
}

/// Adds up a stream of events into a ``ReplayOutcome``.
struct OutcomeTally {
    private let start: EngineState
    private var outcome = ReplayOutcome()
    /// Arrivals by lead, with their creation time.
    private(set) var arrivedAt: [LeadID: Timestamp] = [:]
    private var assignMillis: [Int64] = []
    private var acceptMillis: [Int64] = []
    private var accepted: Set<LeadID> = []
    /// The rep each arrival was first offered to (none yet: not offered), for comparing two runs.
    private(set) var firstRep: [LeadID: RepID] = [:]

    /// - Parameter start: the state the window begins from; its leads are not arrivals.
    init(start: EngineState) { self.start = start }

    /// Counts one event; answers the lead it brought into the window, if it was that lead's arrival.
    @discardableResult
    mutating func add(_ event: EngineEvent) -> Lead? {
        switch event.kind {
        case .offered(let offer):
            outcome.offers += 1
            let lead = offer.lead.id
            let arrived = arrive(offer.lead)
            if arrived { outcome.offeredOnArrival += 1 }
            if let created = arrivedAt[lead], firstRep[lead] == nil {
                firstRep[lead] = offer.rep
                assignMillis.append(event.time.millis - created.millis)
            }
            return arrived ? offer.lead : nil
        case .queued(let queued):
            guard arrive(queued.lead) else { return nil }
            outcome.queuedOnArrival += 1
            return queued.lead
        case .accepted(let lead, _):
            outcome.accepted += 1
            if let created = arrivedAt[lead], accepted.insert(lead).inserted {
                acceptMillis.append(event.time.millis - created.millis)
            }
        case .expired:
            outcome.slaMisses += 1
        case .escalated:
            outcome.escalations += 1
        default:
            break
        }
        return nil
    }

    /// Counts a lead's first appearance in the window as its arrival; `true` if this was it.
    private mutating func arrive(_ lead: Lead) -> Bool {
        guard arrivedAt[lead.id] == nil, start.assignments[lead.id] == nil else { return false }
        arrivedAt[lead.id] = lead.createdAt
        outcome.leads += 1
        return true
    }

    /// The outcome, with the fairness shares of `end` (the state at the window's end).
    func finish(end: EngineState) -> ReplayOutcome {
        var finished = outcome
        finished.neverOffered = arrivedAt.count - firstRep.count
        finished.timeToAssign = .init(assignMillis)
        finished.timeToAccept = .init(acceptMillis)
        finished.shares = FairnessShares.of(end, since: start)
        return finished
    }
}
