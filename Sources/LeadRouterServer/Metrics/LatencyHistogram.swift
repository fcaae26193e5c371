import Atomics
import NIOCore

/// A Prometheus histogram of durations, counted without a lock: one relaxed atomic add to a bucket
/// and one to the sum per observation.
///
/// swift-prometheus's own histogram takes a lock and adds to every bucket at or above the value on
/// each record; on the Route path that is a lock per route on the event loop. Here each observation
/// touches its own bucket, and a scrape adds them up (the `le` buckets are cumulative). Relaxed
/// ordering is enough: the counters publish nothing else. A scrape reads each counter once and
/// derives `_count` from the buckets it read, so buckets and count always agree; the sum may be read
/// a few observations ahead of or behind them, which Prometheus's rate arithmetic absorbs.
final class LatencyHistogram: Sendable {
    /// Upper bounds, in nanoseconds: 25 µs to 2.5 s, by 1–2.5–5.
    static let bounds: [Int64] = [
        25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000,
        50_000_000, 100_000_000, 250_000_000, 500_000_000, 1_000_000_000, 2_500_000_000,
    ]

    private let name: String
    private let help: String
    /// One per bound, and a last one for everything above the largest (`+Inf`).
    private let buckets: [ManagedAtomic<Int>]
    private let sumNanoseconds = ManagedAtomic<Int64>(0)

    init(name: String, help: String) {
        self.name = name
        self.help = help
        buckets = (0...Self.bounds.count).map { _ in ManagedAtomic(0) }
    }

    func record(_ duration: TimeAmount) {
        let nanoseconds = max(duration.nanoseconds, 0)
        var bucket = 0
        while bucket < Self.bounds.count && nanoseconds > Self.bounds[bucket] { bucket += 1 }
        buckets[bucket].wrappingIncrement(ordering: .relaxed)
        sumNanoseconds.wrappingIncrement(by: nanoseconds, ordering: .relaxed)
    }

    /// Records the time from `start` to `end`.
    func record(from start: NIODeadline, to end: NIODeadline) { record(end - start) }

    /// The histogram in Prometheus's text format, in seconds.
    func render(into text: inout [UInt8]) {
        var lines = "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        var cumulative = 0
        for (index, bucket) in buckets.enumerated() {
            cumulative += bucket.load(ordering: .relaxed)
            let bound = index < Self.bounds.count ? Self.seconds(Self.bounds[index]) : "+Inf"
            lines += "\(name)_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        lines += "\(name)_sum \(Self.seconds(sumNanoseconds.load(ordering: .relaxed)))\n"
        lines += "\(name)_count \(cumulative)\n"
        text.append(contentsOf: lines.utf8)
    }

    /// Seconds as Prometheus reads them, without a float's rounding noise (`0.000025`, not `2.5e-05`).
    private static func seconds(_ nanoseconds: Int64) -> String {
        let whole = nanoseconds / 1_000_000_000
        var fraction = String(nanoseconds % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.last == "0" { fraction.removeLast() }
        return fraction.isEmpty ? "\(whole)" : "\(whole).\(fraction)"
    }
}
