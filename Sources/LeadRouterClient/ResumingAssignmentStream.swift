import LeadRouterWire

/// Assignment events that survive disconnects: after a dropped connection (or a server restart) it
/// reconnects and resubscribes from the last sequence number it delivered, so the consumer sees every
/// event once, in order.
public struct ResumingAssignmentStream: AsyncSequence, Sendable {
    public typealias Element = Leadrouter_V1_AssignmentEvent

    let configuration: LeadRouterClient.Configuration
    let request: Leadrouter_V1_StreamAssignmentsRequest
    let retryDelay: Duration
    let maxAttempts: Int

    public struct AsyncIterator: AsyncIteratorProtocol {
        let configuration: LeadRouterClient.Configuration
        var request: Leadrouter_V1_StreamAssignmentsRequest
        let retryDelay: Duration
        let maxAttempts: Int
        var client: LeadRouterClient?
        var current: AssignmentStream.AsyncIterator?
        var lastSeq: UInt64

        public mutating func next() async throws -> Element? {
            var failures = 0
            while true {
                try Task.checkCancellation()
                do {
                    if current == nil {
                        let client = try await LeadRouterClient.connect(configuration)
                        self.client = client
                        var resume = request
                        if lastSeq > 0 {
                            resume.fromSeq = lastSeq
                            resume.fromStart = false
                        }
                        current = client.assignments(resume).makeAsyncIterator()
                    }
                    guard let event = try await current!.next() else { return nil }
                    lastSeq = event.seq
                    return event
                } catch let error as RPCError where error.code == .unavailable {
                    await client?.close()
                    client = nil
                    current = nil
                    failures += 1
                    if failures >= maxAttempts { throw error }
                    try await Task.sleep(for: retryDelay)
                }
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(
            configuration: configuration, request: request, retryDelay: retryDelay, maxAttempts: maxAttempts,
            lastSeq: request.fromSeq)
    }
}

extension LeadRouterClient {
    /// A stream of assignment events that reconnects and resumes from the last delivered sequence number.
    public func resumingAssignments(
        _ request: Leadrouter_V1_StreamAssignmentsRequest, retryDelay: Duration = .milliseconds(200),
        maxAttempts: Int = 100
    ) -> ResumingAssignmentStream {
        ResumingAssignmentStream(
            configuration: configuration, request: request, retryDelay: retryDelay, maxAttempts: maxAttempts)
    }
}
