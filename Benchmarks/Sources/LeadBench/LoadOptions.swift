import ArgumentParser

/// Which server leadbench talks to, and how.
enum Target: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// LeadRouter's own protocol (length-prefixed frames, multiplexed calls).
    case leadrouter
    /// The ceiling reference: `[u32 length][RouteRequest]` in, a fixed reply out, in order.
    case ceiling
    /// The gRPC peer: Route over HTTP/2 (grpc-swift-2).
    case grpc
}

extension Workload: ExpressibleByArgument {}

struct LoadOptions: ParsableArguments {
    @Option(help: "Server kind: leadrouter, ceiling or grpc.")
    var target: Target = .leadrouter

    @Option(help: "Server address, HOST:PORT.")
    var server: String = "127.0.0.1:7411"

    @Option(name: [.customShort("c"), .long], help: "Connections.")
    var connections: Int = 8

    @Option(name: [.customShort("d"), .long], help: "Requests in flight per connection (1 = closed loop).")
    var depth: Int = 1

    @Option(help: "Workload: route, mix (Route 80 %, SetAvailability 15 %, Accept 5 %), subscribers.")
    var workload: Workload = .route

    @Option(help: "StreamAssignments subscribers for the subscribers workload (one per rep).")
    var subscribers: Int = 100

    @Option(help: "Seconds of warm-up before measuring.")
    var warmup: Double = 1

    @Option(help: "Seconds to measure.")
    var duration: Double = 5

    @Option(help: "Most requests to send while measuring.")
    var requests: Int = 5_000_000

    @Option(help: "Client event-loop threads.")
    var threads: Int = 1

    @Option(help: "Server process id, to report its CPU time per request.")
    var serverPid: Int32?

    @Option(help: "Label for this run in the printed line and the results file.")
    var label: String?

    @Option(help: "Append the result as one JSON line to this file.")
    var output: String?

    @Flag(help: "Do not load the benchmark roster into a LeadRouter server first.")
    var noSeed = false

    var hostAndPort: (host: String, port: Int) {
        let parts = server.split(separator: ":")
        return (String(parts.first ?? "127.0.0.1"), Int(parts.last ?? "7411") ?? 7411)
    }
}
