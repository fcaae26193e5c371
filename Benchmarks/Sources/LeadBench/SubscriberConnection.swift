import LeadRouterWire
import LoadProtocol
import NIOCore

/// A dialer: one connection holding `StreamAssignments` for one rep, measuring how long each offered
/// lead took from the moment its Route was sent (the lead id carries that time) to arriving here.
///
/// Touched only on its channel's event loop; see `PipelinedConnection` for the `Sendable` argument.
final class SubscriberConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private static let window: UInt32 = 1024

    private let rep: String
    private let control: RunControl
    private var received = ByteBuffer()
    private var sinceCredit: UInt32 = 0
    private(set) var statistics = LoadStatistics()
    /// Set once the server answered HELLO and the stream request went out.
    private(set) var subscribed = false

    init(rep: String, control: RunControl) {
        self.rep = rep
        self.control = control
    }

    func channelActive(context: ChannelHandlerContext) {
        var hello = ByteBuffer()
        hello.writeField(1, varint: 1)
        hello.writeField(2, string: "leadbench-dialer")
        var out = ByteBuffer()
        Frame(type: .hello, callID: 0, payload: hello).write(to: &out)
        var request = ByteBuffer()
        let rep = self.rep
        LoadRequests.writeEnvelope(method: "StreamAssignments", to: &request) {
            $0.writeField(1, string: rep)
            $0.writeField(4, varint: UInt64(Self.window))
        }
        Frame(type: .request, callID: 1, payload: request).write(to: &out)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        received.writeBuffer(&bytes)
        while let length = received.getInteger(at: received.readerIndex, as: UInt32.self),
            received.readableBytes >= 4 + Int(length)
        {
            received.moveReaderIndex(forwardBy: 4)
            let type = received.readInteger(as: UInt8.self)!
            _ = received.readInteger(as: UInt32.self)!
            let payload = received.readSlice(length: Int(length) - Frame.fixedBodySize)!
            switch FrameType(rawValue: type) {
            case .helloOK:
                subscribed = true
            case .streamMessage:
                deliver(payload, context: context)
            default:
                let status = try? Leadrouter_V1_Status(serializedBytes: Array(payload.readableBytesView))
                statistics.firstError = statistics.firstError ?? "stream ended: \(status?.message ?? "?")"
            }
        }
        received.discardReadBytes()
    }

    private func deliver(_ payload: ByteBuffer, context: ChannelHandlerContext) {
        let now = LoadStatistics.now()
        if control.isMeasuring,
            let event = try? Leadrouter_V1_AssignmentEvent(serializedBytes: Array(payload.readableBytesView)),
            event.kind == "offered", let sentAt = LoadRequests.sentAt(leadID: event.leadID[...])
        {
            _ = statistics.delivery.record(max(now &- sentAt, 100))
            statistics.deliveries += 1
        }
        sinceCredit += 1
        if sinceCredit >= Self.window / 2 {
            var credit = ByteBuffer()
            credit.writeField(1, varint: UInt64(sinceCredit))
            var out = ByteBuffer()
            Frame(type: .credit, callID: 1, payload: credit).write(to: &out)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
            sinceCredit = 0
        }
    }
}
