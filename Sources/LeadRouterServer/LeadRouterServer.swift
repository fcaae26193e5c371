import Atomics
import Foundation
import LeadRouterCore
import LeadRouterStorage
import LeadRouterWire
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// The LeadRouter TCP server, as a `Service`: it serves until graceful shutdown, then stops
/// accepting, ends every stream with UNAVAILABLE, says GOAWAY to every connection and closes.
public final class LeadRouterServer: Service, Sendable {
    public let configuration: ServerConfiguration
    public let engine: RoutingEngine
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    /// One thread for `GET /metrics`, when a metrics address is configured.
    private let metricsGroup: MultiThreadedEventLoopGroup?
    private let state: ServerState
    private let bound: EventLoopPromise<SocketAddress>
    private let metricsBound: EventLoopPromise<SocketAddress?>
    /// The TLS context new connections get; a reload may replace it (certificates rotate).
    private let tlsContext: NIOLockedValueBox<NIOSSLContext?>
    private let onListening: @Sendable (SocketAddress) -> Void

    /// Builds the server; with storage configured, first recovers the state from the data folder
    /// (and throws, touching nothing, if it cannot).
    public init(
        configuration: ServerConfiguration = .defaults, logger: Logger, clock: any EngineClock = SystemClock(),
        onListening: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        var recovered = Recovery.Outcome(state: EngineState(), snapshotSeq: 0, replayedEvents: 0, warnings: [])
        var store: JournalStore?
        if let storage = configuration.storage {
            let opened = try JournalStore(configuration: storage, logger: logger)
            recovered = try Recovery.recover(opened, logger: logger)
            store = opened
            logger.info(
                "recovered",
                metadata: [
                    "path": "\(opened.path)", "snapshot_seq": "\(recovered.snapshotSeq)",
                    "replayed": "\(recovered.replayedEvents)", "last_seq": "\(recovered.state.lastSeq)",
                ])
        }
        // Loaded and opened before any thread starts: a file that cannot be read or written stops the
        // server here, with its path.
        tlsContext = NIOLockedValueBox(try configuration.tls?.makeContext())
        let auditPath =
            configuration.auditLogPath
            ?? configuration.storage.map { ($0.directory as NSString).appendingPathComponent("audit.log") }
        let audit = try AuditLog(path: auditPath, logger: logger)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
        self.group = group
        metricsGroup = configuration.metrics.map { _ in MultiThreadedEventLoopGroup(numberOfThreads: 1) }
        var engineConfiguration = configuration.engine
        if let storage = configuration.storage { engineConfiguration.completedInMemory = storage.completedInMemory }
        let engineSlot = ManagedAtomicLazyReference<RoutingEngine>()
        let journalSlot = ManagedAtomicLazyReference<JournalWriter>()
        let journalDurable: @Sendable () -> UInt64 = { journalSlot.load()?.durableSeq.load(ordering: .acquiring) ?? 0 }
        let horizon = StreamHorizon(durable: configuration.storage?.durability == .sync ? journalDurable : nil)
        let streams = StreamHub(group: group, horizon: horizon) { engineSlot.load()! }
        let metrics = ServerMetrics(journaled: configuration.storage != nil)
        let engine = RoutingEngine(configuration: engineConfiguration, clock: clock, state: recovered.state) {
            events in
            journalSlot.load()?.submit(events)
            metrics.committed(events)
            if !horizon.waitsForJournal { streams.notify() }
        }
        _ = engineSlot.storeIfNilThenLoad(engine)
        var gate: DurabilityGate?
        var journal: JournalWriter?
        if let store, let storage = configuration.storage {
            let gateSlot = ManagedAtomicLazyReference<DurabilityGate>()
            let writer = JournalWriter(
                store: store, configuration: storage, logger: logger, recoveredSeq: recovered.state.lastSeq,
                snapshotSeq: recovered.snapshotSeq, recoveredRecords: recovered.state.assignments.count,
                currentState: { engine.state }, currentRecords: { engine.read { $0.assignments.count } },
                onFailing: { gateSlot.load()?.advanced() }
            ) { _ in
                gateSlot.load()?.advanced()
                if horizon.waitsForJournal { streams.notify() }
            }
            if storage.durability == .sync {
                gate = gateSlot.storeIfNilThenLoad(
                    DurabilityGate(
                        group: group, durable: writer.durableSeq, outage: writer.outage,
                        routeLatency: metrics.routeLatency))
            }
            _ = journalSlot.storeIfNilThenLoad(writer)
            journal = writer
        }
        self.engine = engine
        self.state = ServerState(
            engine: engine, configuration: configuration, logger: logger, streams: streams,
            calls: CallQueues(group: group) { engineSlot.load()! }, journal: journal, gate: gate, metrics: metrics,
            audit: audit)
        self.bound = group.next().makePromise()
        self.metricsBound = group.next().makePromise()
    }

    /// Assignment streams open right now, across all connections.
    public var openStreams: Int { state.streams.openStreams }

    /// Connections open right now.
    public var openConnections: Int { state.connections.count }

    /// Ends the connections of clients that said this name in their HELLO (streams end with
    /// UNAVAILABLE, so resuming clients reconnect). For moving dialers off an instance, and for tests.
    public func disconnect(clientName: String) {
        for connection in state.connections.all where connection.clientName.withLockedValue({ $0 }) == clientName {
            connection.drain()
        }
    }

    /// Replaces the tokens and the TLS files (SIGHUP in `leadrouter serve`), without a restart: new
    /// connections get the new certificate; every open connection keeps its place if its token is
    /// still accepted (with the token's roles as now configured) and is ended with UNAUTHENTICATED if
    /// not. Throws, changing nothing, if a TLS file cannot be loaded or TLS would be turned on or off
    /// (which takes a restart: clients must change with it).
    public func reload(access: AccessControl?, tls: ServerTLS?) throws {
        guard (tls == nil) == (configuration.tls == nil) else {
            throw AccessError("TLS cannot be turned \(tls == nil ? "off" : "on") by a reload; restart the server")
        }
        let context = try tls?.makeContext()
        if let context { tlsContext.withLockedValue { $0 = context } }
        state.access.withLockedValue { $0 = access }
        for connection in state.connections.all { connection.reauthorize(access) }
        logger.notice(
            "reloaded tokens and TLS files",
            metadata: ["tokens": "\(access?.count ?? 0)", "tls": "\(tls != nil)"])
    }

    /// The address the server listens on, once it does (the real port when configured with port 0).
    public var localAddress: SocketAddress {
        get async throws { try await bound.futureResult.get() }
    }

    /// Where `GET /metrics` is served, once it is (`nil` when no metrics address is configured).
    public var metricsAddress: SocketAddress? {
        get async throws { try await metricsBound.futureResult.get() }
    }

    public func run() async throws {
        state.journal?.start()
        let channel: any Channel
        let metricsChannel: (any Channel)?
        do {
            channel = try await bootstrap().bind(host: configuration.host, port: configuration.port).get()
            metricsChannel = try await bindMetrics()
        } catch {
            bound.fail(error)
            metricsBound.fail(error)
            throw error
        }
        let address = channel.localAddress!
        bound.succeed(address)
        logger.info("listening", metadata: ["address": "\(address)"])
        onListening(address)
        let ticker = EngineTicker(
            engine: engine, journal: state.journal, intervalMilliseconds: configuration.tickIntervalMilliseconds)
        ticker.start()

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await channel.closeFuture.get()
            } onGracefulShutdown: {
                self.beginShutdown(channel)
            }
        } onCancel: {
            self.beginShutdown(channel)
        }
        ticker.stop()
        try? await metricsChannel?.close()
        await waitForConnectionsToClose()
        if let journal = state.journal {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                Thread.detachNewThread {
                    journal.stop()
                    done.resume()
                }
            }
        }
        // Scans still walking hand their answers to a loop: let them, before the loops go.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            ServerMethods.scanQueue.async { done.resume() }
        }
        state.journal?.store.close()
        logger.info("stopped", metadata: ["last_seq": "\(engine.lastSeq)"])
        try await group.shutdownGracefully()
        try await metricsGroup?.shutdownGracefully()
    }

    /// The metrics listener, on a thread of its own: a scrape walks every rep's live values (see
    /// ``ServerLevels``), which the routing loop should not wait for.
    private func bindMetrics() async throws -> (any Channel)? {
        guard let address = configuration.metrics, let metricsGroup else {
            metricsBound.succeed(nil)
            return nil
        }
        let state = state
        let channel = try await MetricsEndpoint(host: address.host, port: address.port).bind(group: metricsGroup) {
            state.metrics.render(state)
        }
        metricsBound.succeed(channel.localAddress)
        logger.info("serving metrics", metadata: ["address": "http://\(channel.localAddress!)/metrics"])
        return channel
    }

    private func bootstrap() -> ServerBootstrap {
        let state = state
        let limits = configuration.limits
        let tlsContext = tlsContext
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 << 10, high: 256 << 10))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context = tlsContext.withLockedValue({ $0 }) {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    }
                    let output = FrameCoalescer()
                    // Idle means nothing read: with `allTimeout`, the handler also made a promise, a
                    // callback and a clock read for every write, to time its completion.
                    // BackPressureHandler stops reading while replies wait for a client that does
                    // not read them (the socket's buffer beyond the high water mark): otherwise one
                    // client pipelining without reading would grow the server's memory without end.
                    try channel.pipeline.syncOperations.addHandlers(
                        BackPressureHandler(),
                        IdleStateHandler(readTimeout: .milliseconds(Int64(limits.idleTimeoutSeconds * 1000))),
                        output,
                        ConnectionHandler(server: state, output: output))
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
