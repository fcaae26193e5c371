/// Tunables of the routing engine.
public struct EngineConfiguration: Sendable {
    /// Record every candidate in explanations (otherwise counts per rejection reason only).
    public var detailedExplanations: Bool
    /// How many events the in-memory history keeps for readers such as stream resume.
    public var historyCapacity: Int
    /// Queued leads examined when a rep frees up; bounds the work of one availability change.
    public var maxQueueScan: Int
    /// Completed assignments kept in memory; older ones are archived by `tick` (the server stores
    /// them in SQLite history). `nil` keeps every assignment in memory.
    public var completedInMemory: Int?
    /// Offers one tick expires at most (and routes again); the rest wait for the next tick. A tick is
    /// one commit that every other call waits for: after a restart with a million offers past their
    /// SLA, expiring them all in one tick held routing up for 13 seconds. The server ticks again
    /// soon while offers are due (``RoutingEngine/tickReportingBacklog()``), other calls taking turns
    /// between.
    public var maxExpiriesPerTick: Int

    public init(
        detailedExplanations: Bool = true, historyCapacity: Int = 1 << 16, maxQueueScan: Int = 256,
        completedInMemory: Int? = nil, maxExpiriesPerTick: Int = 1_000
    ) {
        self.completedInMemory = completedInMemory
        self.maxExpiriesPerTick = maxExpiriesPerTick
        self.detailedExplanations = detailedExplanations
        self.historyCapacity = historyCapacity
        self.maxQueueScan = maxQueueScan
    }

    public static let defaults = EngineConfiguration()
}
