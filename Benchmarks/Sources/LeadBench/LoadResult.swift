import Foundation
import Histogram

/// One measured run, printed as a line and appended as JSON for the comparison table.
struct LoadResult: Codable, Sendable {
    var label: String
    var target: String
    var workload: String
    var connections: Int
    var depth: Int
    var seconds: Double
    var requests: Int
    var errors: Int
    var requestsPerSecond: Double
    var p50Microseconds: Double
    var p99Microseconds: Double
    var p999Microseconds: Double?
    var serverCPUSeconds: Double?
    var deliveries: Int?
    var deliveryP50Microseconds: Double?
    var deliveryP99Microseconds: Double?
    var firstError: String?

    /// Server CPU time per request, in microseconds: compares servers whatever the client costs.
    var cpuMicrosecondsPerRequest: Double? {
        serverCPUSeconds.map { requests > 0 ? $0 * 1e6 / Double(requests) : 0 }
    }

    init(label: String, options: LoadOptions, seconds: Double, statistics: LoadStatistics, serverCPUSeconds: Double?) {
        self.label = label
        self.target = options.target.rawValue
        self.workload = options.workload.rawValue
        self.connections = options.connections
        self.depth = options.depth
        self.seconds = seconds
        self.requests = statistics.completed
        self.errors = statistics.errors
        self.requestsPerSecond = Double(statistics.completed) / seconds
        self.p50Microseconds = Double(statistics.latency.valueAtPercentile(50)) / 1000
        self.p99Microseconds = Double(statistics.latency.valueAtPercentile(99)) / 1000
        self.p999Microseconds = Double(statistics.latency.valueAtPercentile(99.9)) / 1000
        self.serverCPUSeconds = serverCPUSeconds
        if statistics.deliveries > 0 {
            deliveries = statistics.deliveries
            deliveryP50Microseconds = Double(statistics.delivery.valueAtPercentile(50)) / 1000
            deliveryP99Microseconds = Double(statistics.delivery.valueAtPercentile(99)) / 1000
        }
        firstError = statistics.firstError
    }

    init(
        label: String, target: String, connections: Int, depth: Int, seconds: Double, requests: Int,
        p50Microseconds: Double, p99Microseconds: Double, serverCPUSeconds: Double?
    ) {
        self.label = label
        self.target = target
        self.workload = "incr"
        self.connections = connections
        self.depth = depth
        self.seconds = seconds
        self.requests = requests
        self.errors = 0
        self.requestsPerSecond = Double(requests) / seconds
        self.p50Microseconds = p50Microseconds
        self.p99Microseconds = p99Microseconds
        self.serverCPUSeconds = serverCPUSeconds
    }

    var line: String {
        var text =
            "\(label) \(workload) c=\(connections) d=\(depth): \(Int(requestsPerSecond)) req/s"
            + String(format: "  p50 %.1f µs  p99 %.1f µs", p50Microseconds, p99Microseconds)
        if let p999Microseconds { text += String(format: "  p99.9 %.1f µs", p999Microseconds) }
        if let cpu = cpuMicrosecondsPerRequest { text += String(format: "  server CPU %.2f µs/req", cpu) }
        if let deliveries, let p50 = deliveryP50Microseconds, let p99 = deliveryP99Microseconds {
            text += String(format: "  delivery p50 %.1f µs p99 %.1f µs (%d)", p50, p99, deliveries)
        }
        if errors > 0 { text += "  errors \(errors) (first: \(firstError ?? "?"))" }
        if errors == 0, let firstError { text += "  note: \(firstError)" }
        return text
    }

    func append(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(data)
            handle.closeFile()
        } else {
            try data.write(to: URL(fileURLWithPath: path))
        }
    }
}
