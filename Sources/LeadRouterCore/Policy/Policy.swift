/// The company's routing rules: ordered, first match wins, and the default rule takes the rest.
public struct Policy: Hashable, Sendable, Codable {
    /// Bounds for performance-weighted routing: the multiplier applied to a rep's weight is their
    /// conversion divided by the pool mean, clamped to `[floor, cap]` so nobody starves or floods.
    public struct PerformanceBounds: Hashable, Sendable, Codable {
        public var floor: Double
        public var cap: Double
        public init(floor: Double = 0.5, cap: Double = 2.0) {
            self.floor = floor
            self.cap = cap
        }
    }

    public var version: String
    public var rules: [Rule]
    public var defaultRule: Rule
    public var performance: PerformanceBounds
    /// When leads may be offered, in each lead's own time zone; `nil` (the default) at any time.
    public var callingHours: CallingHours?
    /// The YAML this policy was applied from, as written (comments and all), for `GetPolicy`; it
    /// travels with the policy into the journal and snapshots, so a restarted server still has it.
    public var text: String?

    public init(
        version: String, rules: [Rule], defaultRule: Rule, performance: PerformanceBounds = .init(),
        callingHours: CallingHours? = nil
    ) {
        self.version = version
        self.rules = rules
        self.defaultRule = defaultRule
        self.performance = performance
        self.callingHours = callingHours
    }

    /// Until a policy is applied every lead goes round-robin to everyone.
    public static let initial = Policy(
        version: "initial", rules: [],
        defaultRule: Rule(name: "default", target: .init(pool: Pool(), strategy: .roundRobin)))

    /// Rules in evaluation order, the default last.
    public var orderedRules: [Rule] { rules + [defaultRule] }
}
