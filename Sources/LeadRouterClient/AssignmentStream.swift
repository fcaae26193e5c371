import LeadRouterWire

/// Assignment events from one subscription, with credit-based flow control: the server may send at
/// most `window` events ahead of what this sequence has handed to its consumer.
public struct AssignmentStream: AsyncSequence, Sendable {
    public typealias Element = Leadrouter_V1_AssignmentEvent
    static let window: UInt32 = 256

    let events: AsyncThrowingStream<Element, any Error>
    let grant: @Sendable (UInt32) -> Void

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<Element, any Error>.AsyncIterator
        let grant: @Sendable (UInt32) -> Void
        var consumed: UInt32 = 0

        public mutating func next() async throws -> Element? {
            guard let event = try await base.next() else { return nil }
            consumed += 1
            if consumed == AssignmentStream.window / 2 {
                grant(consumed)
                consumed = 0
            }
            return event
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: events.makeAsyncIterator(), grant: grant)
    }
}
