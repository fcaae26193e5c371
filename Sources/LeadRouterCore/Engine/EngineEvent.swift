/// One state change, numbered. The engine's state is exactly the fold of its events in order, so the
/// journal, crash recovery, stream resume and policy replay all rest on this type.
public struct EngineEvent: Hashable, Sendable, Codable {
    /// Global, gap-free, strictly increasing from 1.
    public var seq: UInt64
    public var time: Timestamp
    public var kind: Kind

    public init(seq: UInt64, time: Timestamp, kind: Kind) {
        self.seq = seq
        self.time = time
        self.kind = kind
    }

    public enum Kind: Hashable, Sendable, Codable {
        case repsUpserted([Rep])
        case repRemoved(RepID)
        case territoriesSet([Territory])
        case accountOwnersSet([AccountOwner], replace: Bool)
        case policyApplied(Policy)
        case availabilityChanged(AvailabilityChange)
        case offered(Offer)
        case queued(QueuedLead)
        case accepted(lead: LeadID, rep: RepID)
        case completed(lead: LeadID, rep: RepID, outcome: String)
        /// The rep let the SLA run out; they will not be offered this lead again.
        case expired(lead: LeadID, rep: RepID)
        /// Taken back from the rep without blame (rep went away, admin reassign, rep removed).
        case released(lead: LeadID, rep: RepID, reason: String)
        case escalated(lead: LeadID, rule: String)
        /// Completed assignments moved out of memory (into durable history), oldest completions first.
        case archived([Assignment], logEntries: Int)
    }

    /// The lead this event concerns, if any.
    public var lead: LeadID? {
        switch kind {
        case .offered(let offer): offer.lead.id
        case .queued(let queued): queued.lead.id
        case .accepted(let lead, _), .completed(let lead, _, _), .expired(let lead, _), .released(let lead, _, _),
            .escalated(let lead, _):
            lead
        default: nil
        }
    }

    /// The rep this event concerns, if any.
    public var rep: RepID? {
        switch kind {
        case .offered(let offer): offer.rep
        case .availabilityChanged(let change): change.rep
        case .repRemoved(let rep): rep
        case .accepted(_, let rep), .completed(_, let rep, _), .expired(_, let rep), .released(_, let rep, _): rep
        default: nil
        }
    }
}

/// What `SetAvailability` changed for a rep.
public struct AvailabilityChange: Hashable, Sendable, Codable {
    public var rep: RepID
    public var status: RepStatus
    public var activeCalls: Int
    public var capacity: Int?

    public init(rep: RepID, status: RepStatus, activeCalls: Int, capacity: Int?) {
        self.rep = rep
        self.status = status
        self.activeCalls = activeCalls
        self.capacity = capacity
    }
}

/// A lead given to a rep, with everything needed to replay the decision's effects.
public struct Offer: Hashable, Sendable, Codable {
    public var lead: Lead
    public var rep: RepID
    public var rule: String
    public var priority: Double
    public var slaDeadline: Timestamp
    /// The fairness ledger (and round-robin cursor) this pick counts against.
    public var poolKey: String
    public var strategy: RoutingStrategy
    /// Eligible reps seen in this pool's ledger for the first time, with their calibration credit
    /// (see ``LedgerEntry/credit``).
    public var joining: [RepID: Int]
    public var explanation: Explanation

    public init(
        lead: Lead, rep: RepID, rule: String, priority: Double, slaDeadline: Timestamp, poolKey: String,
        strategy: RoutingStrategy, joining: [RepID: Int], explanation: Explanation
    ) {
        self.lead = lead
        self.rep = rep
        self.rule = rule
        self.priority = priority
        self.slaDeadline = slaDeadline
        self.poolKey = poolKey
        self.strategy = strategy
        self.joining = joining
        self.explanation = explanation
    }
}

/// A lead waiting for a rep.
public struct QueuedLead: Hashable, Sendable, Codable {
    public var lead: Lead
    public var rule: String
    public var priority: Double
    public var explanation: Explanation

    public init(lead: Lead, rule: String, priority: Double, explanation: Explanation) {
        self.lead = lead
        self.rule = rule
        self.priority = priority
        self.explanation = explanation
    }
}
