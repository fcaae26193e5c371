/// The parts of a rep's configuration that every candidate check reads, as plain values stored by
/// dense index, so scanning a pool touches one contiguous array and no reference counts. Checks that
/// only some reps need (daily cap, hours, leave, skills, languages) go to the full ``RepProfile``, and
/// the flags here say when.
///
/// Packed into 24 bytes (40 with an `Int` capacity and an optional `Double`): a pool check reads one
/// rep's traits at random among thousands, and the fewer cache lines all of them take, the more of
/// them stay cached between routes.
struct RepTraits: Sendable {
    let weight: Double
    /// The rep's performance figure, NaN when they have none (upserting a rep refuses a NaN figure).
    private let performanceFigure: Double
    /// Clamped: no rep holds two billion open leads.
    private let storedCapacity: Int32
    let isLoaded: Bool
    let hasDailyCap: Bool
    let hasWorkingHours: Bool
    let hasLeave: Bool

    var capacity: Int { Int(storedCapacity) }
    var performance: Double? { performanceFigure.isNaN ? nil : performanceFigure }

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
        self.storedCapacity = Int32(clamping: capacity)
        self.weight = weight
        self.performanceFigure = performance ?? .nan
        self.hasDailyCap = hasDailyCap
        self.hasWorkingHours = hasWorkingHours
        self.hasLeave = hasLeave
    }
}
