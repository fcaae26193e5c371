/// An explanation stage while its pool is being scanned.
///
/// Rejections are counted in a flat inline array, one slot per reason: a dictionary update per candidate
/// cost more than checking the candidate, and a lead that no one can take checks every member of every
/// pool in its chain. The counts become the stage's dictionary once, at the end.
struct StageDraft {
    /// Inline, so a stage allocates nothing until it has something to report.
    private var counts = InlineArray<13, Int>(repeating: 0)
    var candidates: [Explanation.Candidate] = []

    init() { assert(counts.count == Explanation.Rejection.allCases.count) }

    mutating func count(_ rejection: Explanation.Rejection) { counts[rejection.ordinal] += 1 }

    func stage(pool: String, strategy: RoutingStrategy, chosen: RepID?) -> Explanation.Stage {
        var rejectionCounts: [Explanation.Rejection: Int] = [:]
        for (ordinal, reason) in Explanation.Rejection.allCases.enumerated() where counts[ordinal] > 0 {
            rejectionCounts[reason] = counts[ordinal]
        }
        return Explanation.Stage(
            pool: pool, strategy: strategy, candidates: candidates, rejectionCounts: rejectionCounts, chosen: chosen)
    }
}

extension Explanation.Rejection {
    /// Position in `allCases`.
    fileprivate var ordinal: Int {
        switch self {
        case .unknownRep: 0
        case .offline: 1
        case .away: 2
        case .onCall: 3
        case .wrapUp: 4
        case .atCapacity: 5
        case .dailyCap: 6
        case .outsideHours: 7
        case .outOfOffice: 8
        case .missingSkill: 9
        case .missingLanguage: 10
        case .previouslyExpired: 11
        case .notSelected: 12
        }
    }
}
