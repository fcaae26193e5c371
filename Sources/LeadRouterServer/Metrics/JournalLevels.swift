import LeadRouterStorage
import Prometheus

/// The journal's metrics, registered only when the server keeps one.
struct JournalLevels: Sendable {
    private let durableSeq: Gauge
    private let lag: Gauge
    private let failing: Gauge
    private let commits: Counter

    init(registry: PrometheusCollectorRegistry) {
        func descriptor(_ name: String, _ unit: String = "", help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "leadrouter", metricName: name, unitName: unit, helpText: help)
        }
        durableSeq = registry.makeGauge(
            descriptor: descriptor("journal_durable_seq", help: "Every event at or below this is in the journal."))
        lag = registry.makeGauge(
            descriptor: descriptor(
                "journal_lag", "events", help: "Events committed in memory and not yet in the journal."))
        failing = registry.makeGauge(
            descriptor: descriptor(
                "journal_failing",
                help: "1 while the journal cannot be written (changes are refused, health says READ_ONLY)."))
        commits = registry.makeCounter(
            descriptor: descriptor(
                "journal_commits", "total",
                help: "Journal transactions committed (events per transaction: events_total over this)."))
    }

    /// Called under the scrape lock; `lastSeq` is the engine's, read just before.
    func update(from writer: JournalWriter, lastSeq: UInt64) {
        let durable = writer.durableSeq.load(ordering: .relaxed)
        durableSeq.set(Int64(durable))
        lag.set(Int64(lastSeq > durable ? lastSeq - durable : 0))
        failing.set(Int64(writer.outage.isFailing ? 1 : 0))
        commits.reset()
        commits.increment(by: Int64(writer.commits.load(ordering: .relaxed)))
    }
}
