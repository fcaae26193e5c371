import LeadRouterCore

extension Lead {
    /// Converts a wire lead, stamping `now` when the caller gave no creation time.
    public init(wire: Leadrouter_V1_Lead, now: Timestamp) throws {
        guard !wire.id.isEmpty else { throw RPCError(.invalidArgument, "lead.id is required") }
        guard wire.id.utf8.count <= 256 else { throw RPCError(.invalidArgument, "lead.id is longer than 256 bytes") }
        self.init(
            id: wire.id, createdAt: wire.createdAtMs == 0 ? now : Timestamp(millis: wire.createdAtMs),
            source: wire.hasSource ? wire.source : nil, country: wire.hasCountry ? wire.country : nil,
            region: wire.hasRegion ? wire.region : nil, state: wire.hasState ? wire.state : nil,
            postalCode: wire.hasPostalCode ? wire.postalCode : nil, industry: wire.hasIndustry ? wire.industry : nil,
            employees: wire.hasEmployees ? Int(wire.employees) : nil, dealSize: wire.hasDealSize ? wire.dealSize : nil,
            product: wire.hasProduct ? wire.product : nil, score: wire.hasScore ? wire.score : nil,
            language: wire.hasLanguage ? wire.language : nil, accountID: wire.hasAccountID ? wire.accountID : nil,
            email: wire.hasEmail ? wire.email : nil, intents: wire.intents, custom: wire.custom)
    }

    public var wire: Leadrouter_V1_Lead {
        var wire = Leadrouter_V1_Lead()
        wire.id = id
        wire.createdAtMs = createdAt.millis
        if let source { wire.source = source }
        if let country { wire.country = country }
        if let region { wire.region = region }
        if let state { wire.state = state }
        if let postalCode { wire.postalCode = postalCode }
        if let industry { wire.industry = industry }
        if let employees { wire.employees = Int64(employees) }
        if let dealSize { wire.dealSize = dealSize }
        if let product { wire.product = product }
        if let score { wire.score = score }
        if let language { wire.language = language }
        if let accountID { wire.accountID = accountID }
        if let email { wire.email = email }
        wire.intents = intents
        wire.custom = custom
        return wire
    }
}
