/// An inbound lead as the calling service describes it.
///
/// A value type whose attributes live in one shared, copy-on-write box: a lead is copied into its
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

    /// `@unchecked Sendable`: a box is changed only by a lead that holds it alone
    /// (`isKnownUniquelyReferenced`), so a box shared between threads is never written.
    private final class Box: @unchecked Sendable {
        var attributes: Attributes
        init(_ attributes: Attributes) { self.attributes = attributes }
    }

    private var box: Box

    /// The attributes for writing, after copying a box that another lead shares.
    private var unique: Box {
        mutating get {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.attributes) }
            return box
        }
    }

    public var id: LeadID {
        get { box.attributes.id }
        _modify { yield &unique.attributes.id }
    }
    public var createdAt: Timestamp {
        get { box.attributes.createdAt }
        _modify { yield &unique.attributes.createdAt }
    }
    public var source: String? {
        get { box.attributes.source }
        _modify { yield &unique.attributes.source }
    }
    public var country: String? {
        get { box.attributes.country }
        _modify { yield &unique.attributes.country }
    }
    public var region: String? {
        get { box.attributes.region }
        _modify { yield &unique.attributes.region }
    }
    public var state: String? {
        get { box.attributes.state }
        _modify { yield &unique.attributes.state }
    }
    public var postalCode: String? {
        get { box.attributes.postalCode }
        _modify { yield &unique.attributes.postalCode }
    }
    public var industry: String? {
        get { box.attributes.industry }
        _modify { yield &unique.attributes.industry }
    }
    public var employees: Int? {
        get { box.attributes.employees }
        _modify { yield &unique.attributes.employees }
    }
    public var dealSize: Double? {
        get { box.attributes.dealSize }
        _modify { yield &unique.attributes.dealSize }
    }
    public var product: String? {
        get { box.attributes.product }
        _modify { yield &unique.attributes.product }
    }
    public var score: Double? {
        get { box.attributes.score }
        _modify { yield &unique.attributes.score }
    }
    public var language: String? {
        get { box.attributes.language }
        _modify { yield &unique.attributes.language }
    }
    public var accountID: String? {
        get { box.attributes.accountID }
        _modify { yield &unique.attributes.accountID }
    }
    public var email: String? {
        get { box.attributes.email }
        _modify { yield &unique.attributes.email }
    }
    /// Intent signals such as `pricing_page` or `whitepaper`.
    public var intents: [String] {
        get { box.attributes.intents }
        _modify { yield &unique.attributes.intents }
    }
    /// Anything else the caller knows, matched by `custom.KEY` in conditions.
    public var custom: [String: String] {
        get { box.attributes.custom }
        _modify { yield &unique.attributes.custom }
    }

    public init(
        id: LeadID, createdAt: Timestamp, source: String? = nil, country: String? = nil, region: String? = nil,
        state: String? = nil, postalCode: String? = nil, industry: String? = nil, employees: Int? = nil,
        dealSize: Double? = nil, product: String? = nil, score: Double? = nil, language: String? = nil,
        accountID: String? = nil, email: String? = nil, intents: [String] = [], custom: [String: String] = [:]
    ) {
        box = Box(
            Attributes(
                id: id, createdAt: createdAt, source: source, country: country, region: region, state: state,
                postalCode: postalCode, industry: industry, employees: employees, dealSize: dealSize,
                product: product, score: score, language: language, accountID: accountID, email: email,
                intents: intents, custom: custom))
    }

    public static func == (lhs: Lead, rhs: Lead) -> Bool {
        lhs.box === rhs.box || lhs.box.attributes == rhs.box.attributes
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(box.attributes) }

    /// The same keys as the attributes themselves.
    public init(from decoder: any Decoder) throws { box = Box(try Attributes(from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try box.attributes.encode(to: encoder) }

    /// The lowercased part after `@`, used for account-owner matching.
    public var emailDomain: String? {
        guard let email, let at = email.lastIndex(of: "@") else { return nil }
        let domain = email[email.index(after: at)...]
        return domain.isEmpty ? nil : domain.lowercased()
    }
}
