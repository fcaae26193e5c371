import LeadRouterWire

/// Assignment events from one subscription, with credit-based flow control: the server may send at
/// most `window` events ahead of what this sequence has handed to its consumer.
public struct AssignmentStream: AsyncSequence, Sendable {
    public typealias Element = Leadrouter_V1_AssignmentEvent
    static let window: UInt32 = 256

    let events: AsyncThrowingStream<Element, any Error>
    let initialCredit: UInt32
    let grant: @Sendable (UInt32) -> Void

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<Element, any Error>.AsyncIterator
        let grant: @Sendable (UInt32) -> Void
        /// Events the server may still send without more credit.
        var outstanding: UInt32

        /// Tops the credit back up to a full window once half of it has been consumed, so the
        /// server never runs more than one window ahead of this consumer.
        public mutating func next() async throws -> Element? {
            guard let event = try await base.next() else { return nil }
            outstanding = outstanding > 0 ? outstanding - 1 : 0
            if outstanding <= AssignmentStream.window / 2 {
                let more = AssignmentStream.window - outstanding
                grant(more)
                outstanding += more
            }
            return event
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: events.makeAsyncIterator(), grant: grant, outstanding: initialCredit)
    }
}
