import Dispatch
import Histogram

/// What one connection (or caller) saw while measuring; merged across connections at the end.
struct LoadStatistics: Sendable {
    /// Request latency in nanoseconds, send to reply.
    var latency = LoadStatistics.histogram()
    /// Route-to-subscriber delivery latency in nanoseconds (subscriber workload only).
    var delivery = LoadStatistics.histogram()
    var completed = 0
    var errors = 0
    var deliveries = 0
    var firstError: String?

    static func histogram() -> Histogram<UInt64> {
        Histogram(
            lowestDiscernibleValue: 100, highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    mutating func recordReply(sentAt: UInt64, ok: Bool, error: @autoclosure () -> String = "") {
        _ = latency.record(max(Self.now() &- sentAt, 100))
        completed += 1
        if !ok {
            errors += 1
            if firstError == nil { firstError = error() }
        }
    }

    mutating func merge(_ other: LoadStatistics) {
        latency.add(other.latency)
        delivery.add(other.delivery)
        completed += other.completed
        errors += other.errors
        deliveries += other.deliveries
        firstError = firstError ?? other.firstError
    }
}
