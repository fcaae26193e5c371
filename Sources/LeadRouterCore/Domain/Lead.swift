/// An inbound lead as the calling service describes it.
public struct Lead: Hashable, Sendable, Codable, Identifiable {
    public var id: LeadID
    public var createdAt: Timestamp
    public var source: String?
    public var country: String?
    public var region: String?
    public var state: String?
    public var postalCode: String?
    public var industry: String?
    public var employees: Int?
    public var dealSize: Double?
    public var product: String?
    public var score: Double?
    public var language: String?
    public var accountID: String?
    public var email: String?
    /// Intent signals such as `pricing_page` or `whitepaper`.
    public var intents: [String]
    /// Anything else the caller knows, matched by `custom.KEY` in conditions.
    public var custom: [String: String]

    public init(
        id: LeadID, createdAt: Timestamp, source: String? = nil, country: String? = nil, region: String? = nil,
        state: String? = nil, postalCode: String? = nil, industry: String? = nil, employees: Int? = nil,
        dealSize: Double? = nil, product: String? = nil, score: Double? = nil, language: String? = nil,
        accountID: String? = nil, email: String? = nil, intents: [String] = [], custom: [String: String] = [:]
    ) {
        self.id = id
        self.createdAt = createdAt
        self.source = source
        self.country = country
        self.region = region
        self.state = state
        self.postalCode = postalCode
        self.industry = industry
        self.employees = employees
        self.dealSize = dealSize
        self.product = product
        self.score = score
        self.language = language
        self.accountID = accountID
        self.email = email
        self.intents = intents
        self.custom = custom
    }

    /// The lowercased part after `@`, used for account-owner matching.
    public var emailDomain: String? {
        guard let email, let at = email.lastIndex(of: "@") else { return nil }
        let domain = email[email.index(after: at)...]
        return domain.isEmpty ? nil : domain.lowercased()
    }
}
