import LeadRouterClient
import LeadRouterWire
import LoadProtocol
import NIOCore
import NIOPosix

/// Drives LeadRouter or the ceiling reference over plain TCP connections.
enum SocketLoad {
    static func run(options: LoadOptions) async throws -> LoadResult {
        let (host, port) = options.hostAndPort
        if options.target == .leadrouter && !options.noSeed { try await seed(host: host, port: port) }
        let control = RunControl(requestLimit: options.requests)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
        do {
            let result = try await measure(options: options, control: control, group: group, host: host, port: port)
            try await group.shutdownGracefully()
            return result
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private static func measure(
        options: LoadOptions, control: RunControl, group: MultiThreadedEventLoopGroup, host: String, port: Int
    ) async throws -> LoadResult {
        var subscribers: [(Channel, SubscriberConnection)] = []
        if options.workload == .subscribers {
            for index in 0..<options.subscribers {
                let handler = SubscriberConnection(rep: BenchRoster.repID(index), control: control)
                subscribers.append((try await connect(group, host, port, handler), handler))
            }
            // Streams are open once the server has read the request; a moment is plenty on loopback.
            try await Task.sleep(for: .milliseconds(300))
        }
        var connections: [(Channel, PipelinedConnection)] = []
        for index in 0..<options.connections {
            let handler = PipelinedConnection(
                format: options.target == .ceiling ? .ceiling : .leadRouter, depth: options.depth, control: control,
                source: RequestSource(workload: options.workload, connection: index))
            connections.append((try await connect(group, host, port, handler), handler))
        }

        let window = try await MeasurementWindow.run(options: options, control: control)
        // Let the last replies and deliveries arrive before reading the statistics.
        try await Task.sleep(for: .milliseconds(200))
        var statistics = LoadStatistics()
        for (channel, handler) in connections {
            statistics.merge(try await channel.eventLoop.submit { handler.statistics }.get())
        }
        for (channel, handler) in subscribers {
            statistics.merge(try await channel.eventLoop.submit { handler.statistics }.get())
        }
        for channel in connections.map(\.0) + subscribers.map(\.0) { try? await channel.close() }
        return LoadResult(
            label: options.label ?? options.target.rawValue, options: options, seconds: window.seconds,
            statistics: statistics, serverCPUSeconds: window.serverCPUSeconds)
    }

    private static func connect(
        _ group: MultiThreadedEventLoopGroup, _ host: String, _ port: Int, _ handler: some ChannelHandler & Sendable
    ) async throws -> Channel {
        try await ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
            }
            .connect(host: host, port: port).get()
    }

    /// Loads the benchmark roster and makes everyone available.
    private static func seed(host: String, port: Int) async throws {
        let client = try await LeadRouterClient.connect(host: host, port: port)
        _ = try await client.upsertReps(BenchRoster.reps)
        for rep in BenchRoster.reps { _ = try await client.setAvailability(rep.id, .available) }
        await client.close()
    }
}
