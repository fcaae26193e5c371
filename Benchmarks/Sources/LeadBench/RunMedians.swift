/// The runs of one server, workload and shape (one per round of compare.sh), each figure the median
/// of the runs' own. This VM's speed drifts 10–30 % over minutes, so a single run per cell could put
/// a ratio on either side of a target; interleaved rounds and medians leave a slow spell one vote.
struct RunMedians {
    let label: String
    let workload: String
    let connections: Int
    let depth: Int
    let runs: Int
    let requestsPerSecond: Double
    let lowestRequestsPerSecond: Double
    let highestRequestsPerSecond: Double
    let p50Microseconds: Double
    let p99Microseconds: Double
    let p999Microseconds: Double?
    let cpuMicrosecondsPerRequest: Double?
    /// Errors of all the runs together.
    let errors: Int
    let deliveries: Int?
    let deliveryP50Microseconds: Double?
    let deliveryP99Microseconds: Double?

    /// `runs` share a server, workload and shape; there is at least one.
    init(_ runs: [LoadResult]) {
        precondition(!runs.isEmpty, "no runs to summarise")
        let first = runs[0]
        label = first.label
        workload = first.workload
        connections = first.connections
        depth = first.depth
        self.runs = runs.count
        requestsPerSecond = Self.median(runs.map(\.requestsPerSecond))!
        lowestRequestsPerSecond = runs.map(\.requestsPerSecond).min()!
        highestRequestsPerSecond = runs.map(\.requestsPerSecond).max()!
        p50Microseconds = Self.median(runs.map(\.p50Microseconds))!
        p99Microseconds = Self.median(runs.map(\.p99Microseconds))!
        p999Microseconds = Self.median(runs.compactMap(\.p999Microseconds))
        cpuMicrosecondsPerRequest = Self.median(runs.compactMap(\.cpuMicrosecondsPerRequest))
        errors = runs.reduce(0) { $0 + $1.errors }
        deliveries = Self.median(runs.compactMap(\.deliveries).map(Double.init)).map { Int($0) }
        deliveryP50Microseconds = Self.median(runs.compactMap(\.deliveryP50Microseconds))
        deliveryP99Microseconds = Self.median(runs.compactMap(\.deliveryP99Microseconds))
    }

    /// One summary per server, workload and shape, in the order each first appears.
    static func grouping(_ results: [LoadResult]) -> [RunMedians] {
        var order: [String] = []
        var groups: [String: [LoadResult]] = [:]
        for result in results {
            let key = "\(result.label) \(result.workload) \(result.connections) \(result.depth)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(result)
        }
        return order.map { RunMedians(groups[$0]!) }
    }

    /// The middle value, or the mean of the two middle ones; `nil` for no values.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
