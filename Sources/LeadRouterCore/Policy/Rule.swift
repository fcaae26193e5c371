/// One routing rule: when the condition matches, try the pool with the strategy, then each fallback.
public struct Rule: Hashable, Sendable, Codable {
    /// One stage of the chain a rule walks until a rep is found.
    public struct Target: Hashable, Sendable, Codable {
        public var pool: Pool
        public var strategy: RoutingStrategy
        public init(pool: Pool, strategy: RoutingStrategy = .roundRobin) {
            self.pool = pool
            self.strategy = strategy
        }
    }

    /// A skill the rep must have at or above a level. `fromField` takes the skill name from the lead
    /// (e.g. the lead's industry), otherwise `skill` names it.
    public struct SkillRequirement: Hashable, Sendable, Codable {
        public var skill: String?
        public var fromField: LeadField?
        public var minLevel: Int
        public init(skill: String? = nil, fromField: LeadField? = nil, minLevel: Int = 1) {
            self.skill = skill
            self.fromField = fromField
            self.minLevel = minLevel
        }

        func skillName(for lead: Lead) -> String? {
            if let skill { return skill }
            return fromField?.value(of: lead)?.firstText
        }
    }

    /// What happens after repeated SLA misses.
    public struct Escalation: Hashable, Sendable, Codable {
        public var afterMisses: Int
        /// Where the lead goes once escalated; `nil` only flags it.
        public var target: Target?
        public init(afterMisses: Int, target: Target? = nil) {
            self.afterMisses = afterMisses
            self.target = target
        }
    }

    public var name: String
    public var condition: Condition
    public var target: Target
    public var fallbacks: [Target]
    public var skills: [SkillRequirement]
    /// Require a rep who speaks the lead's language (when the lead has one).
    public var matchLanguage: Bool
    /// Seconds an offered assignment may wait for acceptance before it is reassigned.
    public var slaSeconds: Double
    public var escalation: Escalation?
    /// Queue priority bonus for leads matching this rule (an ICP tier is just a rule with a bonus).
    public var priority: Double

    public init(
        name: String, condition: Condition = .always, target: Target, fallbacks: [Target] = [],
        skills: [SkillRequirement] = [], matchLanguage: Bool = false, slaSeconds: Double = 300,
        escalation: Escalation? = nil, priority: Double = 0
    ) {
        self.name = name
        self.condition = condition
        self.target = target
        self.fallbacks = fallbacks
        self.skills = skills
        self.matchLanguage = matchLanguage
        self.slaSeconds = slaSeconds
        self.escalation = escalation
        self.priority = priority
    }

    /// The pool chain in the order it is tried.
    public var chain: [Target] { [target] + fallbacks }
}
