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

    public init(
        detailedExplanations: Bool = true, historyCapacity: Int = 1 << 16, maxQueueScan: Int = 256,
        completedInMemory: Int? = nil
    ) {
        self.completedInMemory = completedInMemory
        self.detailedExplanations = detailedExplanations
        self.historyCapacity = historyCapacity
        self.maxQueueScan = maxQueueScan
    }

    public static let defaults = EngineConfiguration()
}
