import Atomics

/// A lock-free stack that any number of threads push onto and one holder at a time empties in one
/// go: the inbox of a single writer (the engine's ``Sequencer``, the journal writer).
///
/// Taking everything with one exchange, instead of popping node by node, needs no protection against
/// a node being popped and pushed again under a reader (the ABA problem of Treiber stacks). Every
/// operation is sequentially consistent: that includes the release of a push and the acquire of the
/// take (the taker sees each element complete), and lets callers order the stack against their own
/// sequentially consistent flags (the journal writer's `asleep`).
package final class PushStack<Element>: @unchecked Sendable {
    private final class Node: AtomicReference, @unchecked Sendable {
        let element: Element
        /// Set before the node is published, never after.
        var next: Node?
        init(_ element: Element) { self.element = element }
    }

    private let head = ManagedAtomic<Node?>(nil)

    package init() {}

    package func push(_ element: Element) {
        let node = Node(element)
        var current = head.load(ordering: .relaxed)
        while true {
            node.next = current
            let (exchanged, original) = head.compareExchange(
                expected: current, desired: node, ordering: .sequentiallyConsistent)
            if exchanged { return }
            current = original
        }
    }

    /// Everything pushed so far, oldest first, leaving the stack empty.
    package func takeAll() -> [Element] {
        var node = head.exchange(nil, ordering: .sequentiallyConsistent)
        var newestFirst: [Element] = []
        while let current = node {
            newestFirst.append(current.element)
            node = current.next
        }
        return newestFirst.reversed()
    }

    package var isEmpty: Bool { head.load(ordering: .sequentiallyConsistent) == nil }
}
