/// What a token lets its holder call. The brief's three kinds of caller: services that route leads,
/// dialers, and sales-ops admins; `admin` may call everything.
public struct AccessRoles: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Route and Reassign, and reading one assignment.
    public static let route = AccessRoles(rawValue: 1 << 0)
    /// StreamAssignments, SetAvailability, Accept, Complete, reading one assignment and the reps.
    public static let dial = AccessRoles(rawValue: 1 << 1)
    /// Everything: the roster, territories, account owners, policy, listings, stats, snapshots.
    public static let admin = AccessRoles(rawValue: 1 << 2)

    /// By the names used in the config file.
    public static let byName: [String: AccessRoles] = ["route": .route, "dial": .dial, "admin": .admin]

    public var names: [String] { Self.byName.filter { contains($0.value) }.map(\.key).sorted() }

    /// The roles any one of which may call `method`; empty for a call everyone may make (`Health`, and
    /// names the server does not serve, which get UNIMPLEMENTED whoever asks).
    static func allowed(toCall method: String) -> AccessRoles {
        byMethod[method] ?? []
    }

    private static let byMethod: [String: AccessRoles] = {
        var table: [String: AccessRoles] = [
            "Route": [.route, .admin], "Reassign": [.route, .admin], "GetAssignment": [.route, .dial, .admin],
            "GetLeadHistory": [.route, .dial, .admin],
            "StreamAssignments": [.dial, .admin], "SetAvailability": [.dial, .admin], "Accept": [.dial, .admin],
            "Complete": [.dial, .admin], "ListReps": [.dial, .admin],
        ]
        for method in ServerMethods.names where table[method] == nil && method != "Health" { table[method] = .admin }
        return table
    }()
}
