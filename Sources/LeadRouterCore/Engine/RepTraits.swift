/// The parts of a rep's configuration that every candidate check reads, as plain values stored by
/// dense index, so scanning a pool touches one contiguous array and no reference counts. Checks that
/// only some reps need (daily cap, hours, leave, skills, languages) go to the full ``RepProfile``, and
/// the flags here say when.
struct RepTraits: Sendable {
    var isLoaded: Bool
    var capacity: Int
    var weight: Double
    var performance: Double?
    var hasDailyCap: Bool
    var hasWorkingHours: Bool
    var hasLeave: Bool

    static let removed = RepTraits(
        isLoaded: false, capacity: 0, weight: 0, performance: nil, hasDailyCap: false, hasWorkingHours: false,
        hasLeave: false)

    init(_ rep: Rep) {
        self.init(
            isLoaded: true, capacity: rep.capacity, weight: rep.weight, performance: rep.performance,
            hasDailyCap: rep.dailyCap != nil, hasWorkingHours: rep.workingHours != nil,
            hasLeave: !rep.outOfOffice.isEmpty)
    }

    private init(
        isLoaded: Bool, capacity: Int, weight: Double, performance: Double?, hasDailyCap: Bool,
        hasWorkingHours: Bool, hasLeave: Bool
    ) {
        self.isLoaded = isLoaded
        self.capacity = capacity
        self.weight = weight
        self.performance = performance
        self.hasDailyCap = hasDailyCap
        self.hasWorkingHours = hasWorkingHours
        self.hasLeave = hasLeave
    }
}
