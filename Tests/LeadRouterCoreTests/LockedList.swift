import Foundation

/// A list that many threads append to, for collecting what concurrent tests observed. (NSLock rather
/// than `Mutex`: the standard library is not built for ThreadSanitizer, which then cannot see `Mutex`
/// ordering.)
final class LockedList<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var elements: [Element] = []

    func append(contentsOf batch: [Element]) { lock.withLock { elements.append(contentsOf: batch) } }
    func append(_ element: Element) { append(contentsOf: [element]) }
    var all: [Element] { lock.withLock { elements } }
}
