/// Names of policy rules, in order: what ``Explanation/rulesNotMatched`` lists.
///
/// A route's list is a view, not a copy: the policy's array of rule names and the positions it
/// evaluated (the rule index's candidate list, shared as it is stored), both taken with one retain.
/// Building an array of the names instead cost an allocation and a retain per rule tried, on every
/// route, and kept them for as long as the record lived.
///
/// Reads, compares, hashes and encodes (as a plain array of strings) exactly like `[String]`.
public struct RuleNames: RandomAccessCollection, Hashable, Sendable, Codable, ExpressibleByArrayLiteral {
    /// Every name the positions refer to.
    private let names: [String]
    /// Positions into `names`; `nil` means the first `count` names in order.
    private let positions: ArraySlice<Int>?
    public let count: Int

    /// The names as given.
    public init(_ names: [String]) {
        self.names = names
        positions = nil
        count = names.count
    }

    public init(arrayLiteral names: String...) { self.init(names) }

    /// The first `count` of `names`.
    init(_ names: [String], prefix count: Int) {
        precondition(count <= names.count, "a prefix of \(count) names out of \(names.count)")
        self.names = names
        positions = nil
        self.count = count
    }

    /// The names at `positions`, in the order given.
    init(_ names: [String], at positions: ArraySlice<Int>) {
        self.names = names
        self.positions = positions
        count = positions.count
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> String {
        precondition(position >= 0 && position < count, "rule name \(position) out of range 0..<\(count)")
        guard let positions else { return names[position] }
        return names[positions[positions.startIndex + position]]
    }

    public static func == (lhs: RuleNames, rhs: RuleNames) -> Bool { lhs.elementsEqual(rhs) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for name in self { hasher.combine(name) }
    }

    public init(from decoder: any Decoder) throws { self.init(try [String](from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try Array(self).encode(to: encoder) }
}
