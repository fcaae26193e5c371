/// An explanation stage while its pool is being scanned.
///
/// Rejections are counted in place, one inline slot per reason (``Explanation/RejectionCounts``): a
/// dictionary update per candidate cost more than checking the candidate, and a lead that no one can
/// take checks every member of every pool in its chain.
struct StageDraft {
    private var counts = Explanation.RejectionCounts()
    var candidates: [Explanation.Candidate] = []

    mutating func count(_ rejection: Explanation.Rejection, times: Int = 1) { counts.add(rejection, times: times) }

    func stage(pool: String, strategy: RoutingStrategy, chosen: RepID?) -> Explanation.Stage {
        Explanation.Stage(
            pool: pool, strategy: strategy, candidates: candidates, rejectionCounts: counts, chosen: chosen)
    }
}
