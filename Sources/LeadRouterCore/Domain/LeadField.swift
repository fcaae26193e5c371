/// An attribute of a lead that conditions can test.
public enum LeadField: Hashable, Sendable, Codable, CustomStringConvertible {
    case source, country, region, state, postalCode, industry, employees, dealSize, product, score
    case language, accountID, emailDomain, intent
    case custom(String)

    /// Field names as written in policy files.
    public init?(name: String) {
        if name.hasPrefix("custom.") {
            let key = String(name.dropFirst("custom.".count))
            guard !key.isEmpty else { return nil }
            self = .custom(key)
            return
        }
        guard let field = Self.named[name] else { return nil }
        self = field
    }

    private static let named: [String: LeadField] = [
        "source": .source, "country": .country, "region": .region, "state": .state, "postal_code": .postalCode,
        "industry": .industry, "employees": .employees, "deal_size": .dealSize, "product": .product,
        "score": .score, "language": .language, "account_id": .accountID, "email_domain": .emailDomain,
        "intent": .intent,
    ]

    public static let allNames: [String] = named.keys.sorted() + ["custom.<key>"]

    public var description: String {
        if case .custom(let key) = self { return "custom.\(key)" }
        return Self.named.first { $0.value == self }!.key
    }

    var isCustom: Bool {
        if case .custom = self { return true }
        return false
    }

    var isNumeric: Bool { self == .employees || self == .dealSize || self == .score }

    /// Multi-valued: a lead's intents are tested member by member.
    var isList: Bool { self == .intent }

    /// The lead's value for this field, or `nil` when the lead does not carry it.
    /// The lead's value of a text field (not a number, a list or a custom key); `nil` for the others,
    /// and for a text field the lead does not have (``value(of:)`` tells the two apart).
    func text(of lead: Lead) -> String? {
        switch self {
        case .source: lead.source
        case .country: lead.countryCode
        case .region: lead.region
        case .state: lead.state
        case .postalCode: lead.postalCode
        case .industry: lead.industry
        case .product: lead.product
        case .language: lead.language
        case .accountID: lead.accountID
        default: nil
        }
    }

    func value(of lead: Lead) -> LeadValue? {
        switch self {
        case .source: lead.source.map(LeadValue.text)
        case .country: lead.countryCode.map(LeadValue.text)
        case .region: lead.region.map(LeadValue.text)
        case .state: lead.state.map(LeadValue.text)
        case .postalCode: lead.postalCode.map(LeadValue.text)
        case .industry: lead.industry.map(LeadValue.text)
        case .employees: lead.employees.map { .number(Double($0)) }
        case .dealSize: lead.dealSize.map(LeadValue.number)
        case .product: lead.product.map(LeadValue.text)
        case .score: lead.score.map(LeadValue.number)
        case .language: lead.language.map(LeadValue.text)
        case .accountID: lead.accountID.map(LeadValue.text)
        case .emailDomain: lead.emailDomain.map(LeadValue.text)
        case .intent: lead.intents.isEmpty ? nil : .list(lead.intents)
        case .custom(let key): lead.custom[key].map(LeadValue.text)
        }
    }
}

/// A lead attribute's value as conditions see it.
enum LeadValue: Equatable {
    case text(String)
    case number(Double)
    case list([String])

    var number: Double? {
        switch self {
        case .number(let value): value
        case .text(let text): Double(text)
        case .list: nil
        }
    }

    /// Whether any text form (each member of a list) satisfies `predicate`. Conditions run this for
    /// every rule a lead is tested against, so it lends the stored strings instead of building an array.
    func anyText(_ predicate: (String) -> Bool) -> Bool {
        switch self {
        case .text(let text): predicate(text)
        case .number(let value): predicate(Self.text(of: value))
        case .list(let items): items.contains(where: predicate)
        }
    }

    /// Calls `body` with each text form.
    func forEachText(_ body: (String) -> Void) {
        _ = anyText { text in
            body(text)
            return false
        }
    }

    /// The first text form (a list's first member).
    var firstText: String? {
        switch self {
        case .text(let text): text
        case .number(let value): Self.text(of: value)
        case .list(let items): items.first
        }
    }

    private static func text(of number: Double) -> String {
        number == number.rounded() ? String(Int64(number)) : String(number)
    }
}
