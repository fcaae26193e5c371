import Foundation
import LeadRouterClient
import LeadRouterServer
import LeadRouterTesting
import LeadRouterWire
import Testing

/// `GET /metrics` for Prometheus: what the server counts and the levels it reads when scraped.
@Suite("Prometheus metrics")
struct MetricsTests {
    /// The real executable with `--metrics`, durable: calls by method, errors by code, events by kind,
    /// reps by status, the journal caught up, the process's own figures; and only /metrics is served.
    @Test func aScrapeCountsCallsErrorsAndEventsAndReadsTheLevels() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path), "build leadrouter first")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let server = try await ServerProcess.start(data: data, arguments: ["--metrics", "127.0.0.1:0"])
        let port = try #require(server.metricsPort, "the server prints where it serves metrics")
        let client = try await LeadRouterClient.connect(host: "127.0.0.1", port: server.port)
        try await WireFixtures.seed(client, reps: ["ada", "bob", "cy"])
        _ = try await client.setAvailability("cy", .away)
        for number in 1...3 { _ = try await client.route(WireFixtures.lead("lead-\(number)")) }
        await #expect(throws: RPCError.self) { try await client.route(WireFixtures.lead("")) }
        let lastSeq = try await client.health().lastSeq

        let scrape = try await HTTPReply.fetch(port: port, path: "/metrics")
        #expect(scrape.status == 200)
        #expect(scrape.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(scrape.sample(#"leadrouter_calls_total{method="Route"}"#) == 4)
        #expect(scrape.sample(#"leadrouter_calls_total{method="SetAvailability"}"#) == 4)
        #expect(scrape.sample(#"leadrouter_calls_total{method="Health"}"#) == 1)
        #expect(scrape.sample(#"leadrouter_call_errors_total{code="INVALID_ARGUMENT"}"#) == 1)
        #expect(scrape.sample(#"leadrouter_call_errors_total{code="INTERNAL"}"#) == 0)
        #expect(scrape.sample(#"leadrouter_events_total{kind="offered"}"#) == 3)
        #expect(scrape.sample(#"leadrouter_events_total{kind="availability_changed"}"#) == 4)
        #expect(scrape.sample(#"leadrouter_reps{status="available"}"#) == 2)
        #expect(scrape.sample(#"leadrouter_reps{status="away"}"#) == 1)
        #expect(scrape.sample("leadrouter_open_assignments") == 3)
        #expect(scrape.sample("leadrouter_queue_depth") == 0)
        #expect(scrape.sample("leadrouter_connections") == 1)
        #expect(scrape.sample("leadrouter_last_seq") == Double(lastSeq))
        #expect(scrape.sample("leadrouter_journal_durable_seq") == Double(lastSeq))
        #expect(scrape.sample("leadrouter_journal_lag_events") == 0)
        #expect(scrape.sample("leadrouter_journal_failing") == 0)
        #expect((scrape.sample("leadrouter_journal_commits_total") ?? 0) >= 1)
        // The three routes decided (the one without a lead id failed to decode), each in one bucket;
        // the buckets are cumulative, so the last holds them all.
        let routeBuckets = Self.routeBucketBounds.map { bound in
            scrape.sample(#"leadrouter_route_duration_seconds_bucket{le=""# + bound + #""}"#)
        }
        #expect(routeBuckets.allSatisfy { $0 != nil }, "\(routeBuckets)")
        #expect(zip(routeBuckets, routeBuckets.dropFirst()).allSatisfy { ($0 ?? 0) <= ($1 ?? 0) })
        #expect(scrape.sample(#"leadrouter_route_duration_seconds_bucket{le="+Inf"}"#) == 3)
        #expect(scrape.sample("leadrouter_route_duration_seconds_count") == 3)
        let routeSeconds = try #require(scrape.sample("leadrouter_route_duration_seconds_sum"))
        #expect(routeSeconds > 0 && routeSeconds < 30, "\(routeSeconds) s")
        #expect((scrape.sample("process_resident_memory_bytes") ?? 0) > Double(1 << 20))
        #expect((scrape.sample("process_cpu_seconds_total") ?? 0) > 0)
        #expect((scrape.sample("process_open_fds") ?? 0) > 3)
        let started = try #require(scrape.sample("process_start_time_seconds"))
        #expect(abs(started - Date().timeIntervalSince1970) < 600, "started \(started)")

        let elsewhere = try await HTTPReply.fetch(port: port, path: "/")
        #expect(elsewhere.status == 404 && elsewhere.body.contains("/metrics"))
        let posted = try await HTTPReply.fetch(port: port, path: "/metrics", method: "POST")
        #expect(posted.status == 405 && posted.headers["allow"] == "GET, HEAD")
        await client.close()
        await server.stop()
    }

    /// The route-latency histogram's upper bounds as Prometheus reads them, in seconds.
    static let routeBucketBounds = [
        "0.000025", "0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
        "0.1", "0.25", "0.5", "1", "2.5",
    ]

    /// Metrics are served only when asked for; in memory there is no journal to report on.
    @Test func metricsAreOffUnlessConfiguredAndInMemoryHaveNoJournalFigures() async throws {
        try await TestServer.with { server in
            let address = try await server.server.metricsAddress
            #expect(address == nil)
        }
        try await TestServer.with(configure: { $0.metrics = .init(host: "127.0.0.1", port: 0) }) { server in
            let address = try #require(try await server.server.metricsAddress)
            let client = try await server.client()
            _ = try await client.health()
            try await WireFixtures.seed(client, reps: ["ada"])
            // One route in a batch, one asking for the full explanation (which runs alone): both timed.
            _ = try await client.route(WireFixtures.lead("batched"))
            _ = try await client.route(WireFixtures.lead("explained"), explain: true)
            let scrape = try await HTTPReply.fetch(port: address.port!, path: "/metrics")
            #expect(scrape.sample(#"leadrouter_calls_total{method="Health"}"#) == 1)
            #expect(scrape.sample("leadrouter_route_duration_seconds_count") == 2)
            #expect(scrape.sample(#"leadrouter_route_duration_seconds_bucket{le="+Inf"}"#) == 2)
            #expect(scrape.sample("leadrouter_last_seq") == Double(try await client.health().lastSeq))
            #expect(!scrape.body.contains("leadrouter_journal_"))
            await client.close()
        }
    }
}
