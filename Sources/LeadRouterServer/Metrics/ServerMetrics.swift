import LeadRouterCore
import LeadRouterWire
import Prometheus

/// What `GET /metrics` reports, in Prometheus's text format.
///
/// Counters move on the paths they count: one relaxed atomic add per call received, per error
/// answered, and per kind of event in a commit (added up before the atomics are touched). Everything
/// that is a level rather than a count (reps by status, the queue, open assignments, connections,
/// streams, the journal) is read when scraped, so the hot paths pay nothing for it.
final class ServerMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let routeCalls: Counter
    private let callsByMethod: [String: Counter]
    private let unknownMethodCalls: Counter
    private let errorsByCode: [Counter]
    private let eventsByKind: [Counter]
    private let levels: ServerLevels
    /// Route calls the engine decided, from the read of the request to the write of the answer (one
    /// that fails to decode, or is refused before, is not timed).
    let routeLatency = LatencyHistogram(
        name: "leadrouter_route_duration_seconds",
        help:
            "Route calls the engine decided, from the read of the request to the write of the answer: the wait for the batch, the decision, and under durability: sync the wait for the journal."
    )

    /// - Parameter journaled: whether the server keeps a journal (its metrics are left out if not).
    init(journaled: Bool) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        let calls = MetricNameDescriptor(
            namespace: "leadrouter", metricName: "calls", unitName: "total",
            helpText: "Calls received, by method (a call the server could not decode is counted as an error only).")
        var byMethod: [String: Counter] = [:]
        for method in ServerMethods.names {
            byMethod[method] = registry.makeCounter(descriptor: calls, labels: [("method", method)])
        }
        callsByMethod = byMethod
        routeCalls = byMethod["Route"]!
        unknownMethodCalls = registry.makeCounter(descriptor: calls, labels: [("method", "unknown")])
        let errors = MetricNameDescriptor(
            namespace: "leadrouter", metricName: "call_errors", unitName: "total",
            helpText: "Calls answered with an error status, by canonical status code.")
        errorsByCode = StatusCode.allCases.dropFirst().map {
            registry.makeCounter(descriptor: errors, labels: [("code", "\($0)")])
        }
        let events = MetricNameDescriptor(
            namespace: "leadrouter", metricName: "events", unitName: "total",
            helpText:
                "Events committed, by kind: offered (a lead given to a rep), queued, accepted, completed, expired (SLA missed), released, escalated, and the admin changes."
        )
        eventsByKind = EventKindIndex.names.map { registry.makeCounter(descriptor: events, labels: [("kind", $0)]) }
        levels = ServerLevels(registry: registry, journaled: journaled)
    }

    /// A call whose envelope was read. `Route` is looked up without hashing: it is nearly every call.
    func received(_ method: String) {
        if method == "Route" {
            routeCalls.increment()
        } else {
            (callsByMethod[method] ?? unknownMethodCalls).increment()
        }
    }

    func answered(_ code: StatusCode) {
        guard code != .ok else { return }
        errorsByCode[Int(code.rawValue) - 1].increment()
    }

    /// The events of one commit, counted by kind first so that a batch of routes is one atomic add.
    func committed(_ events: [EngineEvent]) {
        // On the stack: as many slots as `EventKindIndex.names` (a generic size must be a literal).
        var counts = InlineArray<14, Int64>(repeating: 0)
        for event in events { counts[EventKindIndex.of(event.kind)] += 1 }
        for kind in counts.indices where counts[kind] > 0 { eventsByKind[kind].increment(by: counts[kind]) }
    }

    /// The whole exposition, its levels read now.
    func render(_ server: ServerState) -> [UInt8] {
        levels.update(from: server)
        var text = registry.emitToBuffer()
        routeLatency.render(into: &text)
        return text
    }
}
