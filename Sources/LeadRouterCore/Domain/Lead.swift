/// An inbound lead as the calling service describes it.
///
/// A value type whose attributes live in one shared box (``CopyOnWrite``): a lead is copied into its
/// offer event, its assignment record, the event history and the reply, and copying seventeen fields
/// retained each of their strings and collections every time, about 200 of a route's 860 reference
/// count increments. Now a copy is one retain; a change to a shared lead copies the box first.
public struct Lead: Hashable, Sendable, Codable, Identifiable {
    /// The attributes, stored; `Lead` forwards each one.
    private struct Attributes: Hashable, Codable {
        var id: LeadID
        var createdAt: Timestamp
        var source: String?
        var country: String?
        var region: String?
        var state: String?
        var postalCode: String?
        var industry: String?
        var employees: Int?
        var dealSize: Double?
        var product: String?
        var score: Double?
        var language: String?
        var accountID: String?
        var email: String?
        var intents: [String]
        var custom: [String: String]
    }

    private var attributes: CopyOnWrite<Attributes>

    public var id: LeadID {
        get { attributes.value.id }
        _modify { yield &attributes.value.id }
    }
    public var createdAt: Timestamp {
        get { attributes.value.createdAt }
        _modify { yield &attributes.value.createdAt }
    }
    public var source: String? {
        get { attributes.value.source }
        _modify { yield &attributes.value.source }
    }
    public var country: String? {
        get { attributes.value.country }
        _modify { yield &attributes.value.country }
    }
    public var region: String? {
        get { attributes.value.region }
        _modify { yield &attributes.value.region }
    }
    public var state: String? {
        get { attributes.value.state }
        _modify { yield &attributes.value.state }
    }
    public var postalCode: String? {
        get { attributes.value.postalCode }
        _modify { yield &attributes.value.postalCode }
    }
    public var industry: String? {
        get { attributes.value.industry }
        _modify { yield &attributes.value.industry }
    }
    public var employees: Int? {
        get { attributes.value.employees }
        _modify { yield &attributes.value.employees }
    }
    public var dealSize: Double? {
        get { attributes.value.dealSize }
        _modify { yield &attributes.value.dealSize }
    }
    public var product: String? {
        get { attributes.value.product }
        _modify { yield &attributes.value.product }
    }
    public var score: Double? {
        get { attributes.value.score }
        _modify { yield &attributes.value.score }
    }
    public var language: String? {
        get { attributes.value.language }
        _modify { yield &attributes.value.language }
    }
    public var accountID: String? {
        get { attributes.value.accountID }
        _modify { yield &attributes.value.accountID }
    }
    public var email: String? {
        get { attributes.value.email }
        _modify { yield &attributes.value.email }
    }
    /// Intent signals such as `pricing_page` or `whitepaper`.
    public var intents: [String] {
        get { attributes.value.intents }
        _modify { yield &attributes.value.intents }
    }
    /// Anything else the caller knows, matched by `custom.KEY` in conditions.
    public var custom: [String: String] {
        get { attributes.value.custom }
        _modify { yield &attributes.value.custom }
    }

    public init(
        id: LeadID, createdAt: Timestamp, source: String? = nil, country: String? = nil, region: String? = nil,
        state: String? = nil, postalCode: String? = nil, industry: String? = nil, employees: Int? = nil,
        dealSize: Double? = nil, product: String? = nil, score: Double? = nil, language: String? = nil,
        accountID: String? = nil, email: String? = nil, intents: [String] = [], custom: [String: String] = [:]
    ) {
        attributes = CopyOnWrite(
            Attributes(
                id: id, createdAt: createdAt, source: source, country: country, region: region, state: state,
                postalCode: postalCode, industry: industry, employees: employees, dealSize: dealSize,
                product: product, score: score, language: language, accountID: accountID, email: email,
                intents: intents, custom: custom))
    }

    public static func == (lhs: Lead, rhs: Lead) -> Bool {
        lhs.attributes.isIdentical(to: rhs.attributes) || lhs.attributes.value == rhs.attributes.value
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(attributes.value) }

    /// The same keys as the attributes themselves.
    public init(from decoder: any Decoder) throws { attributes = CopyOnWrite(try Attributes(from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try attributes.value.encode(to: encoder) }

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
