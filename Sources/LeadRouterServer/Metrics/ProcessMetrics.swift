import Foundation
import Prometheus

/// The standard `process_*` metrics every Prometheus client library exports, read from `/proc` when
/// scraped. On a system without `/proc` they stay at zero.
final class ProcessMetrics: Sendable {
    private let cpuSeconds: Counter
    private let residentBytes: Gauge
    private let virtualBytes: Gauge
    private let openFileDescriptors: Gauge
    private let maximumFileDescriptors: Gauge
    private let startTime: Gauge

    init(registry: PrometheusCollectorRegistry) {
        func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "process", metricName: name, unitName: unit, helpText: help)
        }
        cpuSeconds = registry.makeCounter(
            descriptor: descriptor("cpu", "seconds_total", "User and system CPU time spent, in seconds."))
        residentBytes = registry.makeGauge(
            descriptor: descriptor("resident_memory", "bytes", "Resident memory size, in bytes."))
        virtualBytes = registry.makeGauge(
            descriptor: descriptor("virtual_memory", "bytes", "Virtual memory size, in bytes."))
        openFileDescriptors = registry.makeGauge(
            descriptor: descriptor("open", "fds", "Open file descriptors (connections and the data files among them)."))
        maximumFileDescriptors = registry.makeGauge(
            descriptor: descriptor("max", "fds", "The limit on open file descriptors."))
        startTime = registry.makeGauge(
            descriptor: descriptor(
                "start_time", "seconds", "Start time of the process since the Unix epoch, in seconds."))
    }

    /// Called under the scrape lock (see ``ServerLevels``).
    func update() {
        if let stat = Self.selfStat() {
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            cpuSeconds.reset()
            cpuSeconds.increment(by: Double(stat.userTicks + stat.systemTicks) / ticks)
            residentBytes.set(Int64(stat.residentPages) * Int64(sysconf(Int32(_SC_PAGESIZE))))
            virtualBytes.set(Int64(stat.virtualBytes))
            if let boot = Self.bootTime() { startTime.set(Double(boot) + Double(stat.startTicks) / ticks) }
        }
        if let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            openFileDescriptors.set(Int64(fds.count))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { maximumFileDescriptors.set(Int64(limit.rlim_cur)) }
    }

    private struct Stat {
        var userTicks: UInt64
        var systemTicks: UInt64
        var startTicks: UInt64
        var virtualBytes: UInt64
        var residentPages: UInt64
    }

    /// `/proc/self/stat`: the fields after the command name, which is in parentheses and may itself
    /// hold spaces, so the split starts after its closing one.
    private static func selfStat() -> Stat? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields from the third (state) on: utime is the 14th field, so index 11 here.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 21, let user = UInt64(fields[11]), let system = UInt64(fields[12]),
            let start = UInt64(fields[19]), let virtual = UInt64(fields[20]), let resident = UInt64(fields[21])
        else { return nil }
        return Stat(
            userTicks: user, systemTicks: system, startTicks: start, virtualBytes: virtual, residentPages: resident)
    }

    /// The boot time, in seconds since the epoch (`btime` in `/proc/stat`).
    private static func bootTime() -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return UInt64(line.dropFirst("btime ".count))
        }
        return nil
    }
}
