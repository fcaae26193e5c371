/// Who owns an account: leads whose account id or email domain matches go to this rep first.
public struct AccountOwner: Hashable, Sendable, Codable {
    public var accountID: String?
    public var domain: String?
    public var rep: RepID

    public init(accountID: String? = nil, domain: String? = nil, rep: RepID) {
        self.accountID = accountID
        self.domain = domain?.lowercased()
        self.rep = rep
    }
}
