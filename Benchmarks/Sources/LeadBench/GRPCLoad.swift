import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import LeadRouterWire
import LoadProtocol

/// Drives the gRPC peer: one HTTP/2 connection per client, `depth` concurrent unary calls on each.
enum GRPCLoad {
    static func run(options: LoadOptions) async throws -> LoadResult {
        let (host, port) = options.hostAndPort
        let control = RunControl(requestLimit: options.requests)
        let clients = try (0..<options.connections).map { _ in
            GRPCClient(
                transport: try HTTP2ClientTransport.Posix(
                    target: .ipv4(address: host, port: port), transportSecurity: .plaintext))
        }
        return try await withThrowingTaskGroup(of: Void.self) { connections in
            for client in clients { connections.addTask { try await client.runConnections() } }
            defer { for client in clients { client.beginGracefulShutdown() } }
            let (statistics, window) = try await withThrowingTaskGroup(of: LoadStatistics.self) { callers in
                for (connection, client) in clients.enumerated() {
                    for caller in 0..<options.depth {
                        callers.addTask {
                            try await callLoop(client, control: control, connection: connection * 1000 + caller)
                        }
                    }
                }
                let window = try await MeasurementWindow.run(options: options, control: control)
                var statistics = LoadStatistics()
                for try await part in callers { statistics.merge(part) }
                return (statistics, window)
            }
            return LoadResult(
                label: options.label ?? "grpc", options: options, seconds: window.seconds, statistics: statistics,
                serverCPUSeconds: window.serverCPUSeconds)
        }
    }

    private static func callLoop(
        _ client: GRPCClient<HTTP2ClientTransport.Posix>, control: RunControl, connection: Int
    ) async throws -> LoadStatistics {
        var statistics = LoadStatistics()
        var source = RequestSource(workload: .route, connection: connection)
        while control.mayIssue() {
            let sentAt = LoadStatistics.now()
            var request = Leadrouter_V1_RouteRequest()
            request.lead.id = source.nextLeadID(sentAt: sentAt)
            request.lead.source = "web"
            request.lead.country = "DE"
            var failure: String?
            do {
                _ = try await client.unary(
                    request: ClientRequest(message: request), descriptor: RouteMethod.descriptor,
                    serializer: ProtobufSerializer<Leadrouter_V1_RouteRequest>(),
                    deserializer: ProtobufDeserializer<Leadrouter_V1_RouteReply>(), options: .defaults
                ) { try $0.message }
            } catch {
                failure = "\(error)"
            }
            if control.isMeasuring {
                statistics.recordReply(sentAt: sentAt, ok: failure == nil, error: failure ?? "")
            }
        }
        return statistics
    }
}
