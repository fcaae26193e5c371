/// A name with its hash worked out once: the key of maps that every route reads with one of a few
/// names (pools by key, team members by team). A `String` key is hashed again (SipHash, some 20 ns)
/// on every lookup, and a route made seven such lookups; a pool's key or a rule's team names now get
/// theirs when the policy is compiled.
///
/// The hash is the standard library's seeded one, so equal names have equal hashes and comparing the
/// stored hashes first is exact; maps read it instead of hashing again (`_rawHashValue(seed:)`).
public struct HashedName: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let name: String
    private let hash: Int

    public init(_ name: String) {
        self.name = name
        hash = name.hashValue
    }

    public init(stringLiteral name: String) { self.init(name) }

    public static func == (lhs: HashedName, rhs: HashedName) -> Bool { lhs.hash == rhs.hash && lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    public func _rawHashValue(seed: Int) -> Int { hash }
    public var description: String { name }
}
