/// A loaded rep, shared by reference so that routing reads it without copying the whole `Rep`.
@dynamicMemberLookup
public final class RepProfile: Hashable, Sendable {
    public let rep: Rep
    /// The key and explanation note of the account-owner pool this rep alone makes up, built when the
    /// rep is loaded: a fifth of the benchmark's leads route to their account owner, and building and
    /// hashing these per route was a few hundred instructions each time.
    let ownerPoolKey: HashedName
    let ownerPoolNote: String

    init(_ rep: Rep) {
        self.rep = rep
        ownerPoolKey = HashedName(ResolvedPool.accountOwnerPrefix + rep.id)
        ownerPoolNote = "account owner is \(rep.id)"
    }

    public subscript<Value>(dynamicMember path: KeyPath<Rep, Value>) -> Value { rep[keyPath: path] }

    public static func == (lhs: RepProfile, rhs: RepProfile) -> Bool { lhs === rhs || lhs.rep == rhs.rep }
    public func hash(into hasher: inout Hasher) { hasher.combine(rep) }
}
