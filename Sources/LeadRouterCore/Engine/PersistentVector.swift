/// An immutable array with cheap updates: a 32-way trie where `updating` copies only the path to one
/// element (about three small nodes for ten thousand elements) and shares everything else.
///
/// Used for per-rep live state, indexed by each rep's dense roster index, so that scanning a pool's
/// candidates is a few pointer hops per rep instead of a hash lookup.
public struct PersistentVector<Element: Hashable & Sendable>: Hashable, Sendable {
    private final class Node: Sendable {
        let children: [Node]
        let items: [Element]
        init(children: [Node] = [], items: [Element] = []) {
            self.children = children
            self.items = items
        }
    }

    private static var bits: Int { 5 }
    private static var width: Int { 1 << bits }

    private var root: Node
    /// Levels below the root; 0 means the root holds the items.
    private var shift: Int
    public private(set) var count: Int

    public init() {
        root = Node()
        shift = 0
        count = 0
    }

    public subscript(index: Int) -> Element {
        var node = root
        var level = shift
        while level > 0 {
            node = node.children[(index >> level) & (Self.width - 1)]
            level -= Self.bits
        }
        return node.items[index & (Self.width - 1)]
    }

    /// Replaces the element at `index`.
    mutating func set(_ index: Int, _ element: Element) {
        root = Self.replacing(root, level: shift, index: index, element)
    }

    public mutating func append(_ element: Element) {
        if count == Self.width << shift {
            root = Node(children: [root])
            shift += Self.bits
        }
        root = Self.appending(root, level: shift, index: count, element)
        count += 1
    }

    private static func replacing(_ node: Node, level: Int, index: Int, _ element: Element) -> Node {
        let slot = (index >> level) & (width - 1)
        if level == 0 {
            var items = node.items
            items[slot] = element
            return Node(items: items)
        }
        var children = node.children
        children[slot] = replacing(children[slot], level: level - bits, index: index, element)
        return Node(children: children)
    }

    private static func appending(_ node: Node, level: Int, index: Int, _ element: Element) -> Node {
        if level == 0 { return Node(items: node.items + [element]) }
        let slot = (index >> level) & (width - 1)
        var children = node.children
        if slot < children.count {
            children[slot] = appending(children[slot], level: level - bits, index: index, element)
        } else {
            children.append(appending(Node(), level: level - bits, index: index, element))
        }
        return Node(children: children)
    }

    public static func == (lhs: PersistentVector, rhs: PersistentVector) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.root === rhs.root { return true }
        return (0..<lhs.count).allSatisfy { lhs[$0] == rhs[$0] }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(count) }
}
