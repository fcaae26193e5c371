import Foundation

/// Turns the JSON lines of one comparison run into the Markdown tables of RESULTS.md. A run of several
/// rounds has several lines per server, workload and shape; the tables give their medians
/// (``RunMedians``).
struct ResultsTable {
    static let servers = ["leadrouter", "leadrouter-durable", "ceiling", "grpc", "redis"]

    let results: [RunMedians]

    init(file: String) throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let decoder = JSONDecoder()
        results = RunMedians.grouping(
            try text.split(separator: "\n").map { try decoder.decode(LoadResult.self, from: Data($0.utf8)) })
    }

    /// Rounds per cell: the most runs any server, workload and shape had.
    var rounds: Int { results.map(\.runs).max() ?? 0 }

    var markdown: String {
        var lines: [String] = []
        let route = results.filter { $0.workload == "route" || $0.workload == "incr" }
        let shapes = Array(Set(route.map { Shape(connections: $0.connections, depth: $0.depth) })).sorted()
        func find(_ label: String, _ shape: Shape) -> RunMedians? {
            route.first { $0.label == label && $0.connections == shape.connections && $0.depth == shape.depth }
        }

        let medians = rounds > 1 ? ", medians of \(rounds) rounds" : ""
        lines.append("### Ratios (Route; Redis runs INCR\(medians))")
        lines.append("")
        lines.append(
            "| C | D | LeadRouter ÷ ceiling | LeadRouter ÷ gRPC | LeadRouter ÷ Redis | gRPC p99 ÷ LeadRouter p99 "
                + "| LeadRouter CPU ÷ Redis CPU | durable ÷ in-memory |")
        lines.append("|---|---|---|---|---|---|---|---|")
        for shape in shapes {
            let ours = find("leadrouter", shape)
            func ratio(_ a: Double?, _ b: Double?) -> String {
                guard let a, let b, b > 0 else { return "—" }
                return String(format: "%.2f", a / b)
            }
            lines.append(
                "| \(shape.connections) | \(shape.depth) "
                    + "| \(ratio(ours?.requestsPerSecond, find("ceiling", shape)?.requestsPerSecond)) "
                    + "| \(ratio(ours?.requestsPerSecond, find("grpc", shape)?.requestsPerSecond)) "
                    + "| \(ratio(ours?.requestsPerSecond, find("redis", shape)?.requestsPerSecond)) "
                    + "| \(ratio(find("grpc", shape)?.p99Microseconds, ours?.p99Microseconds)) "
                    + "| \(ratio(ours?.cpuMicrosecondsPerRequest, find("redis", shape)?.cpuMicrosecondsPerRequest)) "
                    + "| \(ratio(find("leadrouter-durable", shape)?.requestsPerSecond, ours?.requestsPerSecond)) |")
        }
        lines.append("")
        lines.append(rounds > 1 ? "### Every cell (each figure the median of its rounds)" : "### Every run")
        lines.append("")
        lines.append(
            "| server | workload | C | D | req/s | req/s lowest–highest | p50 µs | p99 µs | p99.9 µs "
                + "| server CPU µs/req | errors |")
        lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
        for result in results.sorted(by: Self.order) {
            lines.append(
                "| \(result.label) | \(result.workload) | \(result.connections) | \(result.depth) "
                    + "| \(Int(result.requestsPerSecond)) "
                    + "| \(result.runs > 1 ? "\(Int(result.lowestRequestsPerSecond))–\(Int(result.highestRequestsPerSecond))" : "—") "
                    + "| \(Self.format(result.p50Microseconds)) "
                    + "| \(Self.format(result.p99Microseconds)) | \(Self.format(result.p999Microseconds)) "
                    + "| \(Self.format(result.cpuMicrosecondsPerRequest, digits: 2)) | \(result.errors) |")
        }
        let streamed = results.filter { $0.deliveries != nil }
        if !streamed.isEmpty {
            lines.append("")
            lines.append("### Route-to-subscriber delivery")
            lines.append("")
            lines.append("| server | C | D | deliveries | delivery p50 µs | delivery p99 µs |")
            lines.append("|---|---|---|---|---|---|")
            for result in streamed {
                lines.append(
                    "| \(result.label) | \(result.connections) | \(result.depth) | \(result.deliveries ?? 0) "
                        + "| \(Self.format(result.deliveryP50Microseconds)) | \(Self.format(result.deliveryP99Microseconds)) |"
                )
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private struct Shape: Hashable, Comparable {
        var connections: Int
        var depth: Int
        static func < (a: Shape, b: Shape) -> Bool { (a.connections, a.depth) < (b.connections, b.depth) }
    }

    private static func order(_ a: RunMedians, _ b: RunMedians) -> Bool {
        let rank = { (label: String) in servers.firstIndex(of: label) ?? servers.count }
        return (rank(a.label), a.label, a.workload, a.connections, a.depth) < (
            rank(b.label), b.label, b.workload, b.connections, b.depth
        )
    }

    private static func format(_ value: Double?, digits: Int = 1) -> String {
        value.map { String(format: "%.\(digits)f", $0) } ?? "—"
    }
}
