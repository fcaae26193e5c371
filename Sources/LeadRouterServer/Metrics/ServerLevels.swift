import LeadRouterCore
import NIOConcurrencyHelpers
import Prometheus

/// The metrics that are levels, read from the server when scraped: nothing on the hot paths keeps
/// them up to date.
final class ServerLevels: Sendable {
    private let repsByStatus: [RepStatus: Gauge]
    private let openAssignments: Gauge
    private let assignmentsInMemory: Gauge
    private let queueDepth: Gauge
    private let lastSeq: Gauge
    private let connections: Gauge
    private let streams: Gauge
    private let draining: Gauge
    private let journal: JournalLevels?
    private let process: ProcessMetrics
    /// One scrape at a time: a counter read from elsewhere is set by a reset and an add. NIO's lock,
    /// as in ``ConnectionRegistry``: ThreadSanitizer does not see `Mutex`'s futex as synchronisation.
    private let scraping = NIOLock()

    init(registry: PrometheusCollectorRegistry, journaled: Bool) {
        func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    namespace: "leadrouter", metricName: name, unitName: "", helpText: help),
                labels: labels)
        }
        let reps = "Reps on the roster, by the status their dialer last reported."
        repsByStatus = Dictionary(
            uniqueKeysWithValues: RepStatus.allCases.map { ($0, gauge("reps", reps, [("status", $0.rawValue)])) })
        openAssignments = gauge("open_assignments", "Leads offered to or accepted by a rep and not completed.")
        assignmentsInMemory = gauge(
            "assignments_in_memory", "Assignment records held in memory, completed ones not yet archived included.")
        queueDepth = gauge("queue_depth", "Leads waiting for a rep.")
        lastSeq = gauge("last_seq", "Sequence number of the last committed event.")
        connections = gauge("connections", "Client connections open.")
        streams = gauge("streams", "StreamAssignments calls open.")
        draining = gauge("draining", "1 while the server shuts down.")
        journal = journaled ? JournalLevels(registry: registry) : nil
        process = ProcessMetrics(registry: registry)
    }

    func update(from server: ServerState) {
        scraping.withLock {
            let reading = server.engine.read { state in
                var reading = Reading(records: state.assignments.count, queued: state.queue.count, seq: state.lastSeq)
                for presence in state.presence.all.values {
                    reading.byStatus[presence.status, default: 0] += 1
                    reading.open += presence.openAssignments
                }
                return reading
            }
            for (status, gauge) in repsByStatus { gauge.set(Int64(reading.byStatus[status] ?? 0)) }
            openAssignments.set(Int64(reading.open))
            assignmentsInMemory.set(Int64(reading.records))
            queueDepth.set(Int64(reading.queued))
            lastSeq.set(Int64(reading.seq))
            connections.set(Int64(server.connections.count))
            streams.set(Int64(server.streams.openStreams))
            draining.set(Int64(server.draining.load(ordering: .relaxed) ? 1 : 0))
            if let journal, let writer = server.journal { journal.update(from: writer, lastSeq: reading.seq) }
            process.update()
        }
    }

    /// What one scrape reads from the engine's state.
    private struct Reading {
        var byStatus: [RepStatus: Int] = [:]
        var open = 0
        var records: Int
        var queued: Int
        var seq: UInt64
    }
}
