import Atomics
import LeadRouterCore
import LeadRouterWire
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The LeadRouter TCP server, as a `Service`: it serves until graceful shutdown, then stops
/// accepting, ends every stream with UNAVAILABLE, says GOAWAY to every connection and closes.
public final class LeadRouterServer: Service, Sendable {
    public let configuration: ServerConfiguration
    public let engine: RoutingEngine
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let state: ServerState
    private let bound: EventLoopPromise<SocketAddress>
    private let onListening: @Sendable (SocketAddress) -> Void

    public init(
        configuration: ServerConfiguration = .defaults, logger: Logger, clock: any EngineClock = SystemClock(),
        onListening: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        self.group = group
        let slot = ManagedAtomicLazyReference<RoutingEngine>()
        let streams = StreamHub(group: group) { slot.load()! }
        let engine = RoutingEngine(configuration: configuration.engine, clock: clock) { _ in streams.notify() }
        _ = slot.storeIfNilThenLoad(engine)
        self.engine = engine
        self.state = ServerState(engine: engine, configuration: configuration, logger: logger, streams: streams)
        self.bound = group.next().makePromise()
    }

    /// Assignment streams open right now, across all connections.
    public var openStreams: Int { state.streams.openStreams }

    /// Connections open right now.
    public var openConnections: Int { state.connections.count }

    /// Ends the connections of clients that said this name in their HELLO (streams end with
    /// UNAVAILABLE, so resuming clients reconnect). For moving dialers off an instance, and for tests.
    public func disconnect(clientName: String) {
        for connection in state.connections.all where connection.clientName.withLock({ $0 }) == clientName {
            connection.drain()
        }
    }

    /// The address the server listens on, once it does (the real port when configured with port 0).
    public var localAddress: SocketAddress {
        get async throws { try await bound.futureResult.get() }
    }

    public func run() async throws {
        let channel: any Channel
        do {
            channel = try await bootstrap().bind(host: configuration.host, port: configuration.port).get()
        } catch {
            bound.fail(error)
            throw error
        }
        let address = channel.localAddress!
        bound.succeed(address)
        logger.info("listening", metadata: ["address": "\(address)"])
        onListening(address)
        let interval = TimeAmount.milliseconds(configuration.tickIntervalMilliseconds)
        let engine = engine
        let ticker = group.next().scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in engine.tick() }

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await channel.closeFuture.get()
            } onGracefulShutdown: {
                self.beginShutdown(channel)
            }
        } onCancel: {
            self.beginShutdown(channel)
        }
        ticker.cancel()
        await waitForConnectionsToClose()
        logger.info("stopped", metadata: ["last_seq": "\(engine.state.lastSeq)"])
        try await group.shutdownGracefully()
    }

    private func bootstrap() -> ServerBootstrap {
        let state = state
        let limits = configuration.limits
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 << 10, high: 256 << 10))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        IdleStateHandler(allTimeout: .milliseconds(Int64(limits.idleTimeoutSeconds * 1000))),
                        ByteToMessageHandler(FrameDecoder(maximumFrameSize: limits.maximumFrameSize)),
                        MessageToByteHandler(FrameEncoder()),
                        ConnectionHandler(server: state))
                }
            }
    }

    private func beginShutdown(_ listener: any Channel) {
        guard !state.draining.exchange(true, ordering: .relaxed) else { return }
        logger.info("shutting down: no new connections, draining streams")
        listener.close(promise: nil)
        for connection in state.connections.all { connection.drain() }
    }

    private func waitForConnectionsToClose() async {
        for _ in 0..<50 where state.connections.count > 0 {
            try? await Task.sleep(for: .milliseconds(100))
        }
        for connection in state.connections.all { try? await connection.channel.close() }
    }
}
