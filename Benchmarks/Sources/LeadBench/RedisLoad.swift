import Foundation

/// Runs redis-benchmark (INCR) against a running redis-server and reads the same figures leadbench
/// reports for the others: requests/s, p50, p99 and the server's CPU time per request.
enum RedisLoad {
    static func run(
        port: Int, connections: Int, depth: Int, requests: Int, serverPid: Int32?, label: String
    ) throws -> LoadResult {
        let cpuBefore = serverPid.flatMap(ServerCPU.seconds(pid:))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "redis-benchmark", "-p", "\(port)", "-t", "incr", "-c", "\(connections)", "-P", "\(depth)", "-n",
            "\(requests)", "--csv",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        let started = ContinuousClock.now
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - started
        let cpuAfter = serverPid.flatMap(ServerCPU.seconds(pid:))
        // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        guard let row = output.split(separator: "\n").first(where: { $0.hasPrefix("\"INCR\"") }) else {
            throw BenchError("redis-benchmark printed no INCR line:\n\(output)")
        }
        let fields = row.split(separator: ",").map {
            Double($0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        }
        guard fields.count >= 7, let rps = fields[1], let p50 = fields[4], let p99 = fields[6] else {
            throw BenchError("cannot read redis-benchmark's line: \(row)")
        }
        var cpu: Double?
        if let cpuBefore, let cpuAfter { cpu = cpuAfter - cpuBefore }
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return LoadResult(
            label: label, target: "redis", connections: connections, depth: depth,
            seconds: Double(requests) / rps > 0 ? Double(requests) / rps : wall, requests: requests,
            p50Microseconds: p50 * 1000, p99Microseconds: p99 * 1000, serverCPUSeconds: cpu)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
