import Atomics
import Foundation
import LeadRouterWire
import NIOCore
import NIOPosix
import NIOSSL
import SwiftProtobuf

/// An async/await client for LeadRouter. One connection carries any number of concurrent calls.
public final class LeadRouterClient: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var clientName: String
        /// Applied to every call that does not pass its own timeout; `nil` = no deadline.
        public var defaultTimeout: Duration?
        public var connectTimeout: Duration
        /// Sent in HELLO, for a server that takes tokens; its roles decide which calls are allowed.
        public var token: String
        /// For a server started with `tls:`; `nil` is plain TCP.
        public var tls: ClientTLS?

        public init(
            host: String, port: Int, clientName: String = "swift-client", defaultTimeout: Duration? = .seconds(30),
            connectTimeout: Duration = .seconds(5), token: String = "", tls: ClientTLS? = nil
        ) {
            self.host = host
            self.port = port
            self.clientName = clientName
            self.defaultTimeout = defaultTimeout
            self.connectTimeout = connectTimeout
            self.token = token
            self.tls = tls
        }
    }

    public let configuration: Configuration
    public let serverHello: Leadrouter_V1_HelloReply
    private let channel: any Channel
    private let handler: NIOLoopBound<ClientHandler>
    private let nextCallID = ManagedAtomic<UInt32>(1)

    private init(
        configuration: Configuration, channel: any Channel, handler: NIOLoopBound<ClientHandler>,
        hello: Leadrouter_V1_HelloReply
    ) {
        self.configuration = configuration
        self.channel = channel
        self.handler = handler
        self.serverHello = hello
    }

    /// Connects and performs the version handshake.
    public static func connect(_ configuration: Configuration) async throws -> LeadRouterClient {
        let connectMillis = Int64(configuration.connectTimeout.components.seconds * 1000)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.milliseconds(max(connectMillis, 100)))
                .connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw RPCError(.unavailable, "cannot connect to \(configuration.host):\(configuration.port): \(error)")
        }
        let (tls, host) = (configuration.tls, configuration.host)
        let handler = try await channel.eventLoop.submit {
            let handler = ClientHandler(greeting: channel.eventLoop.makePromise())
            let tlsHandler: NIOSSLClientHandler?
            do {
                tlsHandler = try tls?.makeHandler(host: host)
            } catch {
                channel.close(promise: nil)
                throw error
            }
            do {
                if let tlsHandler { try channel.pipeline.syncOperations.addHandler(tlsHandler) }
                try channel.pipeline.syncOperations.addHandlers(
                    ByteToMessageHandler(FrameDecoder(maximumFrameSize: 64 << 20)),
                    MessageToByteHandler(FrameEncoder()),
                    handler)
            } catch {
                handler.greeting.fail(RPCError(.unavailable, "server closed the connection at once"))
                throw RPCError(.unavailable, "server closed the connection at once")
            }
            if !channel.isActive {
                handler.greeting.fail(RPCError(.unavailable, "server closed the connection at once"))
            }
            return NIOLoopBound(handler, eventLoop: channel.eventLoop)
        }.get()
        var hello = Leadrouter_V1_Hello()
        hello.protocolVersion = ProtocolVersion.current
        hello.clientName = configuration.clientName
        hello.token = configuration.token
        // A server that refuses us (e.g. at its connection limit) may close before HELLO is written;
        // its GOAWAY status, if it sent one, arrives through the greeting either way.
        try? await channel.writeAndFlush(Frame(type: .hello, callID: 0, payload: hello.payload()))
        let reply: Leadrouter_V1_HelloReply
        do {
            reply = try await channel.eventLoop.flatSubmit { handler.value.greeting.futureResult }.get()
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(.unavailable, "handshake with \(configuration.host):\(configuration.port) failed: \(error)")
        }
        return LeadRouterClient(configuration: configuration, channel: channel, handler: handler, hello: reply)
    }

    public static func connect(host: String, port: Int) async throws -> LeadRouterClient {
        try await connect(Configuration(host: host, port: port))
    }

    public func close() async {
        try? await channel.close()
    }

    /// Makes one unary call. Throws ``RPCError`` with the server's status on failure.
    public func call<Request: SwiftProtobuf.Message, Reply: SwiftProtobuf.Message>(
        _ method: String, _ request: Request, as _: Reply.Type = Reply.self, timeout: Duration? = nil,
        metadata: [String: String] = [:]
    ) async throws -> Reply {
        let callID = nextCallID.loadThenWrappingIncrement(ordering: .relaxed)
        let timeout = timeout ?? configuration.defaultTimeout
        let frame = Self.requestFrame(callID, method, request, timeout: timeout, metadata: metadata)
        let loop = channel.eventLoop
        let promise = loop.makePromise(of: ByteBuffer.self)
        let handler = handler
        let channel = channel
        loop.execute {
            guard handler.value.register(callID, .unary(promise)) else { return }
            channel.writeAndFlush(frame, promise: nil)
            if let timeout {
                loop.scheduleTask(
                    in: .nanoseconds(
                        Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds
                            / 1_000_000_000)
                ) {
                    handler.value.abandon(
                        callID, RPCError(.deadlineExceeded, "\(method) did not finish within \(timeout)"),
                        context: channel)
                }
            }
        }
        let payload = try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            loop.execute {
                handler.value.abandon(callID, RPCError(.cancelled, "\(method) was cancelled"), context: channel)
            }
        }
        return try Reply(payload: payload)
    }

    /// Subscribes to assignment events on this connection. The stream ends with an error if the
    /// connection drops; ``resumingAssignments(_:)`` reconnects and resumes instead.
    public func assignments(_ request: Leadrouter_V1_StreamAssignmentsRequest, timeout: Duration? = nil)
        -> AssignmentStream
    {
        var request = request
        if request.initialCredit == 0 { request.initialCredit = AssignmentStream.window }
        let callID = nextCallID.loadThenWrappingIncrement(ordering: .relaxed)
        let frame = Self.requestFrame(callID, "StreamAssignments", request, timeout: timeout, metadata: [:])
        let (events, continuation) = AsyncThrowingStream<Leadrouter_V1_AssignmentEvent, any Error>.makeStream()
        let handler = handler
        let channel = channel
        channel.eventLoop.execute {
            guard handler.value.register(callID, .stream(continuation)) else { return }
            channel.writeAndFlush(frame, promise: nil)
        }
        continuation.onTermination = { termination in
            if case .cancelled = termination {
                channel.eventLoop.execute {
                    handler.value.abandon(callID, RPCError(.cancelled, "stream cancelled"), context: channel)
                }
            }
        }
        return AssignmentStream(
            events: events, initialCredit: request.initialCredit,
            grant: { messages in
                var credit = Leadrouter_V1_Credit()
                credit.messages = messages
                channel.writeAndFlush(Frame(type: .credit, callID: callID, payload: credit.payload()), promise: nil)
            })
    }

    private static func requestFrame(
        _ callID: UInt32, _ method: String, _ message: some SwiftProtobuf.Message, timeout: Duration?,
        metadata: [String: String]
    ) -> Frame {
        var request = Leadrouter_V1_Request()
        request.method = method
        if let timeout {
            let millis = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
            request.timeoutMs = UInt32(clamping: max(1, millis))
        }
        request.metadata = metadata
        request.payload = (try? message.serializedData()) ?? Data()
        return Frame(type: .request, callID: callID, payload: request.payload())
    }
}
