/// A loaded rep, shared by reference so that routing reads it without copying the whole `Rep`.
@dynamicMemberLookup
public final class RepProfile: Hashable, Sendable {
    public let rep: Rep

    init(_ rep: Rep) { self.rep = rep }

    public subscript<Value>(dynamicMember path: KeyPath<Rep, Value>) -> Value { rep[keyPath: path] }

    public static func == (lhs: RepProfile, rhs: RepProfile) -> Bool { lhs === rhs || lhs.rep == rhs.rep }
    public func hash(into hasher: inout Hasher) { hasher.combine(rep) }
}
