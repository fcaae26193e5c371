/// An inbound lead as the calling service describes it.
///
/// A value type whose attributes live in one immutable block (``LeadStorage``): a lead is copied into
/// its offer event, its assignment record, the event history and the reply, and copying seventeen
/// fields retained each of their strings and collections every time, about 200 of a route's 860
/// reference count increments. Now a copy is one retain; changing a lead builds a new block.
///
/// `@unchecked Sendable`: the block is never changed after it is built.
public struct Lead: Hashable, @unchecked Sendable, Codable, Identifiable {
    private var storage: LeadStorage

    public var id: LeadID {
        get { storage.id }
        set { edit { $0.id = newValue } }
    }
    public var createdAt: Timestamp {
        get { storage.createdAt }
        set { edit { $0.createdAt = newValue } }
    }
    public var source: String? {
        get { storage.text(.source) }
        set { edit { $0[.source] = newValue } }
    }
    public var country: String? {
        get { storage.text(.country) }
        set { edit { $0[.country] = newValue } }
    }
    public var region: String? {
        get { storage.text(.region) }
        set { edit { $0[.region] = newValue } }
    }
    public var state: String? {
        get { storage.text(.state) }
        set { edit { $0[.state] = newValue } }
    }
    public var postalCode: String? {
        get { storage.text(.postalCode) }
        set { edit { $0[.postalCode] = newValue } }
    }
    public var industry: String? {
        get { storage.text(.industry) }
        set { edit { $0[.industry] = newValue } }
    }
    public var employees: Int? {
        get { storage.employees }
        set { edit { $0.employees = newValue } }
    }
    public var dealSize: Double? {
        get { storage.dealSize }
        set { edit { $0.dealSize = newValue } }
    }
    public var product: String? {
        get { storage.text(.product) }
        set { edit { $0[.product] = newValue } }
    }
    public var score: Double? {
        get { storage.score }
        set { edit { $0.score = newValue } }
    }
    public var language: String? {
        get { storage.text(.language) }
        set { edit { $0[.language] = newValue } }
    }
    public var accountID: String? {
        get { storage.text(.accountID) }
        set { edit { $0[.accountID] = newValue } }
    }
    public var email: String? {
        get { storage.text(.email) }
        set { edit { $0[.email] = newValue } }
    }
    /// Intent signals such as `pricing_page` or `whitepaper`.
    public var intents: [String] {
        get { storage.intents }
        set { edit { $0.intents = newValue } }
    }
    /// Anything else the caller knows, matched by `custom.KEY` in conditions.
    public var custom: [String: String] {
        get { storage.custom }
        set { edit { $0.custom = newValue } }
    }

    public init(
        id: LeadID, createdAt: Timestamp, source: String? = nil, country: String? = nil, region: String? = nil,
        state: String? = nil, postalCode: String? = nil, industry: String? = nil, employees: Int? = nil,
        dealSize: Double? = nil, product: String? = nil, score: Double? = nil, language: String? = nil,
        accountID: String? = nil, email: String? = nil, intents: [String] = [], custom: [String: String] = [:]
    ) {
        // In `LeadStorage.TextField` order.
        let texts: InlineArray<10, String?> = [
            source, country, region, state, postalCode, industry, product, language, accountID, email,
        ]
        storage = LeadStorage.make(
            id: id, createdAt: createdAt, employees: employees, dealSize: dealSize, score: score, intents: intents,
            custom: custom, texts: texts)
    }

    /// Every attribute as a plain value, for a change: setters are for tests and tools, so building a
    /// new block for each is fine.
    private struct Attributes {
        var id: LeadID
        var createdAt: Timestamp
        var employees: Int?
        var dealSize: Double?
        var score: Double?
        var intents: [String]
        var custom: [String: String]
        var texts: InlineArray<10, String?>

        subscript(field: LeadStorage.TextField) -> String? {
            get { texts[Int(field.rawValue)] }
            set { texts[Int(field.rawValue)] = newValue }
        }
    }

    private mutating func edit(_ change: (inout Attributes) -> Void) {
        var attributes = Attributes(
            id: storage.id, createdAt: storage.createdAt, employees: storage.employees,
            dealSize: storage.dealSize, score: storage.score, intents: storage.intents,
            custom: storage.custom, texts: storage.texts)
        change(&attributes)
        storage = LeadStorage.make(
            id: attributes.id, createdAt: attributes.createdAt, employees: attributes.employees,
            dealSize: attributes.dealSize, score: attributes.score, intents: attributes.intents,
            custom: attributes.custom, texts: attributes.texts)
    }

    public static func == (lhs: Lead, rhs: Lead) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.hasSameAttributes(as: rhs.storage)
    }

    public func hash(into hasher: inout Hasher) { storage.hash(into: &hasher) }

    private enum CodingKeys: String, CodingKey {
        case id, createdAt, source, country, region, state, postalCode, industry, employees, dealSize, product
        case score, language, accountID, email, intents, custom
    }

    /// The keys of the attributes themselves; absent optional ones are left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(LeadID.self, forKey: .id),
            createdAt: try container.decode(Timestamp.self, forKey: .createdAt),
            source: try container.decodeIfPresent(String.self, forKey: .source),
            country: try container.decodeIfPresent(String.self, forKey: .country),
            region: try container.decodeIfPresent(String.self, forKey: .region),
            state: try container.decodeIfPresent(String.self, forKey: .state),
            postalCode: try container.decodeIfPresent(String.self, forKey: .postalCode),
            industry: try container.decodeIfPresent(String.self, forKey: .industry),
            employees: try container.decodeIfPresent(Int.self, forKey: .employees),
            dealSize: try container.decodeIfPresent(Double.self, forKey: .dealSize),
            product: try container.decodeIfPresent(String.self, forKey: .product),
            score: try container.decodeIfPresent(Double.self, forKey: .score),
            language: try container.decodeIfPresent(String.self, forKey: .language),
            accountID: try container.decodeIfPresent(String.self, forKey: .accountID),
            email: try container.decodeIfPresent(String.self, forKey: .email),
            intents: try container.decode([String].self, forKey: .intents),
            custom: try container.decode([String: String].self, forKey: .custom))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encodeIfPresent(source, forKey: .source)
        try container.encodeIfPresent(country, forKey: .country)
        try container.encodeIfPresent(region, forKey: .region)
        try container.encodeIfPresent(state, forKey: .state)
        try container.encodeIfPresent(postalCode, forKey: .postalCode)
        try container.encodeIfPresent(industry, forKey: .industry)
        try container.encodeIfPresent(employees, forKey: .employees)
        try container.encodeIfPresent(dealSize, forKey: .dealSize)
        try container.encodeIfPresent(product, forKey: .product)
        try container.encodeIfPresent(score, forKey: .score)
        try container.encodeIfPresent(language, forKey: .language)
        try container.encodeIfPresent(accountID, forKey: .accountID)
        try container.encodeIfPresent(email, forKey: .email)
        try container.encode(intents, forKey: .intents)
        try container.encode(custom, forKey: .custom)
    }

    /// The country upper-cased, as conditions and territories compare it. Country codes almost always
    /// arrive upper-case already, and this runs for every rule a lead is tested against: those are
    /// returned as they are, without `uppercased()`'s Unicode pass and new string.
    public var countryCode: String? {
        guard let country else { return nil }
        // Read in place (walking the UTF-8 view byte by byte cost about 55 instructions a call, three
        // calls a route); text not stored contiguously takes the view.
        let upper: (UInt8) -> Bool = { $0 < 0x80 && !(0x61...0x7A).contains($0) }
        let isUpper =
            country.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(upper) } ?? country.utf8.allSatisfy(upper)
        return isUpper ? country : country.uppercased()
    }

    /// The lowercased part after `@`, used for account-owner matching.
    public var emailDomain: String? {
        guard let email, let at = email.lastIndex(of: "@") else { return nil }
        let domain = email[email.index(after: at)...]
        return domain.isEmpty ? nil : domain.lowercased()
    }
}
