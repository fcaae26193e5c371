/// An explanation stage while its pool is being scanned.
///
/// Rejections are counted in a flat array, one slot per reason: a dictionary update per candidate
/// cost more than checking the candidate, and a lead that no one can take checks every member of every
/// pool in its chain. The counts become the stage's dictionary once, at the end.
struct StageDraft {
    private var counts: [Int]
    var candidates: [Explanation.Candidate] = []

    init() { counts = Array(repeating: 0, count: Explanation.Rejection.allCases.count) }

    mutating func count(_ rejection: Explanation.Rejection) { counts[rejection.ordinal] += 1 }

    func stage(pool: String, strategy: RoutingStrategy, chosen: RepID?) -> Explanation.Stage {
        var rejectionCounts: [Explanation.Rejection: Int] = [:]
        for (reason, count) in zip(Explanation.Rejection.allCases, counts) where count > 0 {
            rejectionCounts[reason] = count
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
