/// Names of policy rules, in order: what ``Explanation/rulesNotMatched`` lists.
///
/// A route's list is a view, not a copy: the policy's array of rule names (one retain) and the
/// positions it tried, stored inline up to four. Building an array of the names instead cost an
/// allocation and a retain per rule tried, on every route, and kept them for as long as the record
/// lived.
///
/// Reads, compares, hashes and encodes (as a plain array of strings) exactly like `[String]`.
public struct RuleNames: RandomAccessCollection, Hashable, Sendable, Codable, ExpressibleByArrayLiteral {
    /// Positions into a policy's rule names, collected as rules are tried: inline while there are
    /// few (the common case), in an array after that.
    struct Positions: Sendable {
        fileprivate var few = InlineArray<4, Int32>(repeating: 0)
        fileprivate var many: [Int32] = []
        fileprivate(set) var count = 0

        mutating func append(_ position: Int) {
            if count < few.count {
                few[count] = Int32(position)
            } else {
                if many.isEmpty { many = (0..<few.count).map { few[$0] } }
                many.append(Int32(position))
            }
            count += 1
        }

        fileprivate subscript(index: Int) -> Int { Int(count <= few.count ? few[index] : many[index]) }
    }

    /// Every name the positions refer to.
    private let names: [String]
    /// Positions into `names`; `nil` means the first `count` names in order.
    private let positions: Positions?
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
    init(_ names: [String], at positions: Positions) {
        self.names = names
        self.positions = positions
        count = positions.count
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> String {
        precondition(position >= 0 && position < count, "rule name \(position) out of range 0..<\(count)")
        guard let positions else { return names[position] }
        return names[positions[position]]
    }

    public static func == (lhs: RuleNames, rhs: RuleNames) -> Bool { lhs.elementsEqual(rhs) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for name in self { hasher.combine(name) }
    }

    public init(from decoder: any Decoder) throws { self.init(try [String](from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try Array(self).encode(to: encoder) }
}
