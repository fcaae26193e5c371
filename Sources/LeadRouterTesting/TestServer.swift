import LeadRouterClient
import LeadRouterCore
import LeadRouterServer
import Logging
import ServiceLifecycle

/// A real LeadRouter server on 127.0.0.1 and an ephemeral port, for tests and examples.
public struct TestServer: Sendable {
    public let server: LeadRouterServer
    public let host: String
    public let port: Int
    let group: ServiceGroup

    /// Starts graceful shutdown now (streams end with UNAVAILABLE); `with` waits for it to finish.
    public func shutdown() async { await group.triggerGracefulShutdown() }

    public var engine: RoutingEngine { server.engine }

    public func client(name: String = "test-client", timeout: Duration? = .seconds(10)) async throws -> LeadRouterClient
    {
        try await LeadRouterClient.connect(.init(host: host, port: port, clientName: name, defaultTimeout: timeout))
    }

    /// Runs `body` with a started server inside a `ServiceGroup`, then shuts it down gracefully.
    public static func with<Result: Sendable>(
        configure: (inout ServerConfiguration) -> Void = { _ in }, clock: any EngineClock = SystemClock(),
        _ body: @Sendable (TestServer) async throws -> Result
    ) async throws -> Result {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.threads = 2
        configure(&configuration)
        var logger = Logger(label: "leadrouter.test")
        logger.logLevel = .warning
        let server = try LeadRouterServer(configuration: configuration, logger: logger, clock: clock)
        let group = ServiceGroup(services: [server], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                let address = try await server.localAddress
                let result = try await body(
                    TestServer(server: server, host: "127.0.0.1", port: address.port!, group: group))
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }
}
