/// How reps answered offers in the recorded traffic, to answer the replay's offers the same way.
///
/// An offer of a lead to a rep who was offered that same lead in the recording gets the answer they
/// gave then: accepted after the same delay (and completed after the same handling time, with the
/// same outcome), or left to expire; an offer they had not answered by the window's end (or that was
/// taken back first) stays unanswered, which the SLA ends like an expiry. An offer the recording
/// never made is answered from the rep's
/// own record: left to expire for the same share of offers they let expire (which offers is decided by
/// a hash of lead and rep, so a replay is reproducible), otherwise accepted after their median delay
/// and completed after their median handling time. A rep with no answers recorded behaves like all
/// reps together; with no answers recorded at all, offers stay open until their SLA runs out.
public struct RepBehaviour: Sendable {
    public enum Answer: Hashable, Sendable {
        case accepts(afterMillis: Int64)
        case letsExpire
    }

    struct Pair: Hashable {
        var lead: LeadID
        var rep: RepID
    }

    /// One rep's (or everyone's) recorded answers.
    struct Record {
        var acceptDelays: [Int64] = []
        var expiries = 0
        var handlingTimes: [Int64] = []

        var answers: Int { acceptDelays.count + expiries }
        var expiredShare: Double { answers > 0 ? Double(expiries) / Double(answers) : 0 }
        var medianDelay: Int64? { Self.median(acceptDelays) }
        var medianHandling: Int64? { Self.median(handlingTimes) }

        /// Of values already sorted (``RepBehaviour/settle()`` sorts them).
        static func median(_ values: [Int64]) -> Int64? {
            values.isEmpty ? nil : values[values.count / 2]
        }

        mutating func sort() {
            acceptDelays.sort()
            handlingTimes.sort()
        }
    }

    private var answers: [Pair: Answer] = [:]
    private var completions: [Pair: (afterMillis: Int64, outcome: String)] = [:]
    private var records: [RepID: Record] = [:]
    private var everyone = Record()
    /// Offers and acceptances seen so far, to time the answers that follow them.
    private var offeredAt: [Pair: Timestamp] = [:]
    private var acceptedAt: [Pair: Timestamp] = [:]

    public init() {}

    /// Learns from one recorded event, in journal order.
    public mutating func observe(_ event: EngineEvent) {
        switch event.kind {
        case .offered(let offer):
            let pair = Pair(lead: offer.lead.id, rep: offer.rep)
            offeredAt[pair] = event.time
            // Unanswered until the recording says otherwise; not counted in the rep's record.
            if answers[pair] == nil { answers[pair] = .letsExpire }
        case .accepted(let lead, let rep):
            let pair = Pair(lead: lead, rep: rep)
            acceptedAt[pair] = event.time
            // An offer made before the window has no known start; its acceptance still says who.
            let delay = offeredAt[pair].map { event.time.millis - $0.millis }
            answers[pair] = .accepts(afterMillis: delay ?? 0)
            if let delay {
                records[rep, default: Record()].acceptDelays.append(delay)
                everyone.acceptDelays.append(delay)
            }
        case .expired(let lead, let rep):
            answers[Pair(lead: lead, rep: rep)] = .letsExpire
            records[rep, default: Record()].expiries += 1
            everyone.expiries += 1
        case .completed(let lead, let rep, let outcome):
            let pair = Pair(lead: lead, rep: rep)
            guard let accepted = acceptedAt[pair] else { return }
            let handling = event.time.millis - accepted.millis
            completions[pair] = (handling, outcome)
            records[rep, default: Record()].handlingTimes.append(handling)
            everyone.handlingTimes.append(handling)
        default:
            break
        }
    }

    /// Called once every event is in, before the first answer: sorts the recorded delays for their
    /// medians and drops the recording's bookkeeping.
    public mutating func settle() {
        offeredAt = [:]
        acceptedAt = [:]
        for rep in records.keys { records[rep]?.sort() }
        everyone.sort()
    }

    /// What `rep` does with an offer of `lead`; `nil` when nothing was ever answered in the recording.
    public func answer(lead: LeadID, rep: RepID) -> Answer? {
        if let known = answers[Pair(lead: lead, rep: rep)] { return known }
        let record = records[rep].flatMap { $0.answers > 0 ? $0 : nil } ?? everyone
        guard record.answers > 0 else { return nil }
        if Self.fraction(lead, rep) < record.expiredShare { return .letsExpire }
        return record.medianDelay.map { .accepts(afterMillis: $0) } ?? .letsExpire
    }

    /// When and how `rep` completes `lead` after accepting it; `nil` if they would not within the
    /// recording (a lead accepted and still open at its end stays open).
    public func completion(lead: LeadID, rep: RepID) -> (afterMillis: Int64, outcome: String)? {
        let pair = Pair(lead: lead, rep: rep)
        if let known = completions[pair] { return known }
        if answers[pair] != nil { return nil }
        let record = records[rep].flatMap { $0.handlingTimes.isEmpty ? nil : $0 } ?? everyone
        return record.medianHandling.map { ($0, "replayed") }
    }

    /// A fixed value in [0, 1) for a lead and a rep (FNV-1a): the same on every run and platform,
    /// unlike `Hasher`, which is seeded per process.
    static func fraction(_ lead: LeadID, _ rep: RepID) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in lead.utf8 + [0] + rep.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Double(hash >> 11) / Double(UInt64(1) << 53)
    }
}
