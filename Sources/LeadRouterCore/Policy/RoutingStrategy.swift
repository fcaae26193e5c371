/// How a rule picks one rep among the eligible candidates of its pool.
public enum RoutingStrategy: String, Hashable, Sendable, Codable, CaseIterable {
    /// Next rep after the pool's cursor, skipping ineligible reps.
    case roundRobin = "round_robin"
    /// Smallest received-to-weight ratio first (stride scheduling): weight 2 gets twice the share.
    case weighted
    /// Like `weighted`, with weights scaled by measured conversion, clamped between a floor and a cap.
    case performanceWeighted = "performance_weighted"
    /// Lowest (open assignments + active calls) relative to capacity.
    case leastLoaded = "least_loaded"
    /// Longest time since the last assignment or call.
    case longestIdle = "longest_idle"
}
