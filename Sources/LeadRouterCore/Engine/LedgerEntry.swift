/// A rep's standing in one pool's fairness ledger.
public struct LedgerEntry: Hashable, Sendable, Codable {
    /// Leads actually received through this pool.
    public var received: Int = 0
    /// Credit granted by calibration when the rep joined or came back, so they start level with the
    /// least-served active rep instead of far behind (flooded) or far ahead (starved).
    public var credit: Int = 0

    public init(received: Int = 0, credit: Int = 0) {
        self.received = received
        self.credit = credit
    }

    public var effective: Int { received + credit }
}
