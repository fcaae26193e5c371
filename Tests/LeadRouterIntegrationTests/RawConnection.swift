import Atomics
import Foundation
import LeadRouterWire
import NIOCore
import NIOPosix
import Synchronization

/// A bare TCP connection for sending arbitrary bytes and reading back whatever frames come.
final class RawConnection: Sendable {
    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received = Mutex(ByteBuffer())
        let closed: EventLoopPromise<Void>
        init(closed: EventLoopPromise<Void>) { self.closed = closed }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            _ = received.withLock { $0.writeBuffer(&bytes) }
        }
        func channelInactive(context: ChannelHandlerContext) { closed.succeed(()) }
    }

    let channel: any Channel
    private let collector: Collector

    private init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    static func connect(port: Int) async throws -> RawConnection {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let collector = Collector(closed: loop.makePromise())
        let channel = try await ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, collector: collector)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    func send(_ frame: Frame) async throws {
        var buffer = ByteBuffer()
        frame.write(to: &buffer)
        try await channel.writeAndFlush(buffer)
    }

    /// A REQUEST frame calling `method` with `payload` (an encoded request message).
    static func requestFrame(_ callID: UInt32, method: String, payload: ByteBuffer) -> Frame {
        var request = Leadrouter_V1_Request()
        request.method = method
        request.payload = Data(payload.readableBytesView)
        return Frame(type: .request, callID: callID, payload: request.payload())
    }

    func hello(version: UInt32 = ProtocolVersion.current) async throws {
        var hello = Leadrouter_V1_Hello()
        hello.protocolVersion = version
        try await send(Frame(type: .hello, callID: 0, payload: hello.payload()))
    }

    /// Waits until the server closes the connection (or `seconds` pass) and returns every frame received.
    func framesUntilClosed(seconds: Double = 5) async throws -> (frames: [Frame], closed: Bool) {
        let loop = channel.eventLoop
        let outcome = loop.makePromise(of: Bool.self)
        let settled = ManagedAtomic(false)
        let settle: @Sendable (Bool) -> Void = { closed in
            guard !settled.exchange(true, ordering: .relaxed) else { return }
            outcome.succeed(closed)
        }
        collector.closed.futureResult.hop(to: loop).whenSuccess { settle(true) }
        loop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) { settle(false) }
        let wasClosed = try await outcome.futureResult.get()
        return (frames(), wasClosed)
    }

    /// The responses received by call id, once there are `count` of them or ten seconds passed.
    func responses(count: Int) async throws -> [UInt32: Frame] {
        var replies: [UInt32: Frame] = [:]
        for _ in 0..<500 where replies.count < count {
            try await Task.sleep(for: .milliseconds(20))
            replies = Dictionary(
                frames().filter { $0.type == .response }.map { ($0.callID, $0) }, uniquingKeysWith: { $1 })
        }
        return replies
    }

    /// Frames received so far.
    func frames() -> [Frame] {
        var buffer = collector.received.withLock { $0 }
        var decoder = FrameDecoder(maximumFrameSize: 1 << 24)
        var frames: [Frame] = []
        while let frame = try? decoder.decode(buffer: &buffer) { frames.append(frame) }
        return frames
    }

    func close() async { try? await channel.close() }
}

extension Frame {
    var status: RPCError? { try? RPCError(Leadrouter_V1_Status(payload: payload)) }
}

/// Calls written into one buffer, numbered from 1, to reach the server in a single write.
struct PipelinedCalls {
    private(set) var bytes = ByteBuffer()
    /// The last call's id (also how many calls there are).
    private(set) var lastCallID: UInt32 = 0

    @discardableResult
    mutating func add(_ method: String, _ payload: ByteBuffer) -> UInt32 {
        lastCallID += 1
        RawConnection.requestFrame(lastCallID, method: method, payload: payload).write(to: &bytes)
        return lastCallID
    }

    @discardableResult
    mutating func route(_ lead: String) -> UInt32 {
        var request = Leadrouter_V1_RouteRequest()
        request.lead = WireFixtures.lead(lead)
        return add("Route", request.payload())
    }
}
