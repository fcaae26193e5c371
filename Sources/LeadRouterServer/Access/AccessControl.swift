import LeadRouterWire

/// The tokens a server accepts, each with a name (for logs and the audit log) and its roles. A server
/// configured with none accepts every connection and every call, as before tokens existed.
public struct AccessControl: Sendable {
    public struct Grant: Sendable, Hashable {
        public var name: String
        public var roles: AccessRoles
        public init(name: String, roles: AccessRoles) {
            self.name = name
            self.roles = roles
        }
    }

    /// Shorter tokens are refused at start: a token is a password that no one types.
    public static let minimumTokenLength = 16

    private let grants: [String: Grant]

    /// Throws a message naming the entry when a token is too short, repeated, or has no roles.
    public init(tokens: [(token: String, grant: Grant)]) throws {
        var grants: [String: Grant] = [:]
        var names: Set<String> = []
        for (token, grant) in tokens {
            guard !grant.name.isEmpty else { throw AccessError("every token needs a name (for the logs)") }
            guard names.insert(grant.name).inserted else {
                throw AccessError("token name '\(grant.name)' is used twice")
            }
            guard token.count >= Self.minimumTokenLength else {
                throw AccessError(
                    "token '\(grant.name)' is shorter than \(Self.minimumTokenLength) characters; use a random one, e.g. `openssl rand -hex 24`"
                )
            }
            guard !grant.roles.isEmpty else {
                throw AccessError("token '\(grant.name)' has no roles (route, dial, admin)")
            }
            guard grants.updateValue(grant, forKey: token) == nil else {
                throw AccessError("token '\(grant.name)' has the same secret as another token")
            }
        }
        self.grants = grants
    }

    /// How many tokens are accepted.
    public var count: Int { grants.count }

    /// The grant a HELLO's token carries, or why the connection is refused.
    func authenticate(_ token: String) -> Result<Grant, RPCError> {
        if token.isEmpty {
            return .failure(
                RPCError(
                    .unauthenticated,
                    "this server requires a token: send it in HELLO (leadctl --token or LEADROUTER_TOKEN; the clients' token option)"
                ))
        }
        guard let grant = grants[token] else {
            return .failure(RPCError(.unauthenticated, "the token given is not one this server accepts"))
        }
        return .success(grant)
    }

    /// Why `grant` may not call `method`, or `nil` if it may.
    static func denial(of method: String, to grant: Grant) -> RPCError? {
        let allowed = AccessRoles.allowed(toCall: method)
        guard !allowed.isEmpty, grant.roles.isDisjoint(with: allowed) else { return nil }
        return RPCError(
            .permissionDenied,
            "token '\(grant.name)' (roles: \(grant.roles.names.joined(separator: ", "))) may not call \(method); it needs \(allowed.names.joined(separator: " or "))"
        )
    }
}

public struct AccessError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
