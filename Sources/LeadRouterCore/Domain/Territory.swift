/// A sales territory: a lead is in it when every listed field matches (empty lists match anything).
///
/// A lead may match several territories; the most specific wins (postal prefix, then state, region,
/// country), so `DE` with postal prefix `80` beats plain `DE`.
public struct Territory: Hashable, Sendable, Codable, Identifiable {
    public var id: TerritoryID
    public var countries: [String]
    public var regions: [String]
    public var states: [String]
    public var postalPrefixes: [String]

    public init(
        id: TerritoryID, countries: [String] = [], regions: [String] = [], states: [String] = [],
        postalPrefixes: [String] = []
    ) {
        self.id = id
        self.countries = countries.map { $0.uppercased() }
        self.regions = regions
        self.states = states
        self.postalPrefixes = postalPrefixes
    }

    /// `nil` when the lead is outside; otherwise a specificity score, higher is more specific.
    /// `countryCode`: the lead's ``Lead/countryCode``, worked out once by the caller (a roster checks
    /// several territories per lead).
    @inline(__always)
    func specificity(for lead: Lead, countryCode: String?) -> Int? {
        var score = 0
        if !countries.isEmpty {
            guard let country = countryCode, countries.contains(country) else { return nil }
            score += 1
        }
        if !regions.isEmpty {
            guard let region = lead.region, regions.contains(region) else { return nil }
            score += 10
        }
        if !states.isEmpty {
            guard let state = lead.state, states.contains(state) else { return nil }
            score += 100
        }
        if !postalPrefixes.isEmpty {
            guard let postal = lead.postalCode else { return nil }
            var longest: Int?
            for prefix in postalPrefixes where postal.hasPrefix(prefix) {
                longest = max(longest ?? 0, prefix.count)
            }
            guard let longest else { return nil }
            score += 1000 * longest
        }
        return score
    }
}
