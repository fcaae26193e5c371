/// An immutable array with cheap updates: a 32-way trie where `set` copies only the path to one
/// element (three small nodes for ten thousand elements) and shares everything else.
///
/// Used for per-rep live state, indexed by each rep's dense roster index, so that scanning a pool's
/// candidates is a few pointer hops per rep instead of a hash lookup. Each node is one allocation with
/// its slots stored inline, so a path copy of trivially copyable elements is a few `memcpy`s.
///
/// `@unchecked Sendable`: nodes are never changed after they are built (an update builds new ones), so
/// sharing them between threads is safe; `ManagedBuffer` itself cannot be declared `Sendable`.
public struct PersistentVector<Element: Sendable>: @unchecked Sendable {
    private static var bits: Int { 5 }
    private static var width: Int { 1 << bits }

    /// Children (`Node`) above level 0, elements at level 0; which one follows from the depth.
    private var root: Node
    /// Levels below the root; 0 means the root holds the elements.
    private var shift: Int
    public private(set) var count: Int

    public init() {
        root = Node.leaf(copying: nil, count: 0)
        shift = 0
        count = 0
    }

    public subscript(index: Int) -> Element { read(index) { copy $0 } }

    /// Lends the element at `index` without copying it out (copying an element that holds references
    /// would retain them; reading one field of it through here does not).
    func read<Result>(_ index: Int, _ body: (borrowing Element) -> Result) -> Result {
        precondition(index >= 0 && index < count, "index \(index) out of range 0..<\(count)")
        // The walk takes no references: this vector holds the root and each node its children for as
        // long as `self` is borrowed, and a retain and release per level was most of a read's cost.
        return withExtendedLifetime(root) {
            var node = Unmanaged.passUnretained(root)
            var level = shift
            // Up to 32,768 elements (two levels above the leaves) without the general loop, whose
            // trip count the compiler worked out with a division on every read.
            if level <= 2 * Self.bits {
                if level == 2 * Self.bits {
                    node = node._withUnsafeGuaranteedRef {
                        $0.unownedChild((index >> (2 * Self.bits)) & (Self.width - 1))
                    }
                }
                if level >= Self.bits {
                    node = node._withUnsafeGuaranteedRef { $0.unownedChild((index >> Self.bits) & (Self.width - 1)) }
                }
                level = 0
            }
            while level > 0 {
                node = node._withUnsafeGuaranteedRef { $0.unownedChild((index >> level) & (Self.width - 1)) }
                level -= Self.bits
            }
            return node._withUnsafeGuaranteedRef { $0.withElement(index & (Self.width - 1), body) }
        }
    }

    /// Replaces the element at `index`.
    mutating func set(_ index: Int, _ element: Element) { update(index) { $0 = element } }

    /// Changes the element at `index` in place, after copying whichever nodes on its path are shared
    /// (with an older version of the vector). Nodes this vector alone holds are changed as they are,
    /// so a transaction that updates many elements copies each shared node once, not once per update.
    mutating func update(_ index: Int, _ body: (inout Element) -> Void) {
        precondition(index >= 0 && index < count, "index \(index) out of range 0..<\(count)")
        if !isKnownUniquelyReferenced(&root) { root = root.copy() }
        var node = root
        var level = shift
        while level > 0 {
            node = node.uniqueChild((index >> level) & (Self.width - 1))
            level -= Self.bits
        }
        node.updateElement(index & (Self.width - 1), body)
    }

    public mutating func append(_ element: Element) {
        if count == Self.width << shift {
            root = Node.branch(copying: nil, count: 0, appending: root)
            shift += Self.bits
        }
        root = Self.appending(root, level: shift, index: count, element)
        count += 1
    }

    private static func appending(_ node: Node, level: Int, index: Int, _ element: Element) -> Node {
        if level == 0 { return Node.leaf(copying: node, count: node.count, appending: element) }
        let slot = (index >> level) & (width - 1)
        if slot < node.count {
            let child = appending(node.child(slot), level: level - bits, index: index, element)
            return Node.branch(copying: node, count: node.count, replacing: slot, with: child)
        }
        let child = appending(Node.leafOrBranch(level: level - bits), level: level - bits, index: index, element)
        return Node.branch(copying: node, count: node.count, appending: child)
    }

    /// Whether both share the same root, so they are equal without comparing elements.
    fileprivate func isIdentical(to other: PersistentVector) -> Bool { root === other.root }
}

extension PersistentVector: Equatable, Hashable where Element: Hashable {
    public static func == (lhs: PersistentVector, rhs: PersistentVector) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.isIdentical(to: rhs) { return true }
        return (0..<lhs.count).allSatisfy { lhs[$0] == rhs[$0] }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(count) }
}

extension PersistentVector {
    /// A trie node: a header (how many slots are used, whether they hold children or elements) and up to
    /// 32 slots in the same allocation.
    private final class Node: ManagedBuffer<Node.Header, UInt64> {
        struct Header {
            var count: Int
            var isLeaf: Bool
        }

        var count: Int { header.count }

        static func leafOrBranch(level: Int) -> Node {
            level == 0 ? leaf(copying: nil, count: 0) : branch(copying: nil, count: 0)
        }

        func child(_ slot: Int) -> Node {
            withUnsafeMutablePointerToElements { raw in
                UnsafeRawPointer(raw).assumingMemoryBound(to: Node.self)[slot]
            }
        }

        /// The child at `slot`, not retained: valid while this node is.
        func unownedChild(_ slot: Int) -> Unmanaged<Node> {
            withUnsafeMutablePointerToElements { raw in
                Unmanaged.fromOpaque(UnsafeRawPointer(raw).load(fromByteOffset: slot * 8, as: UnsafeRawPointer.self))
            }
        }

        func withElement<Result>(_ slot: Int, _ body: (borrowing Element) -> Result) -> Result {
            withUnsafeMutablePointerToElements { raw in
                body(UnsafeRawPointer(raw).assumingMemoryBound(to: Element.self)[slot])
            }
        }

        /// Only for a node its vector holds alone.
        func updateElement(_ slot: Int, _ body: (inout Element) -> Void) {
            withUnsafeMutablePointerToElements { raw in
                body(&UnsafeMutableRawPointer(raw).assumingMemoryBound(to: Element.self)[slot])
            }
        }

        /// The child at `slot`, first replaced by a copy if another node shares it. Only for a node its
        /// vector holds alone.
        func uniqueChild(_ slot: Int) -> Node {
            withUnsafeMutablePointerToElements { raw in
                let children = UnsafeMutableRawPointer(raw).assumingMemoryBound(to: Node.self)
                if !isKnownUniquelyReferenced(&children[slot]) { children[slot] = children[slot].copy() }
                return children[slot]
            }
        }

        /// A node with the same slots (each element or child retained once more).
        func copy() -> Node {
            header.isLeaf ? Self.leaf(copying: self, count: count) : Self.branch(copying: self, count: count)
        }

        /// A leaf holding `source`'s first `count` elements, with one appended.
        static func leaf(copying source: Node?, count: Int, appending extra: Element? = nil) -> Node {
            make(Element.self, isLeaf: true, copying: source, count: count, slot: nil, value: nil, extra: extra)
        }

        static func branch(
            copying source: Node?, count: Int, replacing slot: Int? = nil, with child: Node? = nil,
            appending extra: Node? = nil
        ) -> Node {
            make(Node.self, isLeaf: false, copying: source, count: count, slot: slot, value: child, extra: extra)
        }

        private static func make<Slot>(
            _: Slot.Type, isLeaf: Bool, copying source: Node?, count: Int, slot: Int?, value: Slot?, extra: Slot?
        ) -> Node {
            let total = count + (extra == nil ? 0 : 1)
            // Slots live in 8-byte words, which is all the alignment our elements need.
            assert(MemoryLayout<Slot>.alignment <= MemoryLayout<UInt64>.alignment)
            let words = (MemoryLayout<Slot>.stride * PersistentVector.width + 7) / 8
            let node = unsafeDowncast(
                Node.create(minimumCapacity: words) { _ in Header(count: total, isLeaf: isLeaf) }, to: Node.self)
            node.withUnsafeMutablePointerToElements { raw in
                let slots = UnsafeMutableRawPointer(raw).bindMemory(to: Slot.self, capacity: PersistentVector.width)
                if let source {
                    source.withUnsafeMutablePointerToElements { sourceRaw in
                        let from = UnsafeMutableRawPointer(sourceRaw).assumingMemoryBound(to: Slot.self)
                        slots.initialize(from: from, count: count)
                    }
                }
                if let slot, let value { slots[slot] = value }
                if let extra { (slots + count).initialize(to: extra) }
            }
            return node
        }

        deinit {
            let header = self.header
            withUnsafeMutablePointerToElements { raw in
                let slots = UnsafeMutableRawPointer(raw)
                if header.isLeaf {
                    _ = slots.assumingMemoryBound(to: Element.self).deinitialize(count: header.count)
                } else {
                    _ = slots.assumingMemoryBound(to: Node.self).deinitialize(count: header.count)
                }
            }
        }
    }
}
