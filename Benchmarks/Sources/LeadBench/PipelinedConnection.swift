import LeadRouterWire
import LoadProtocol
import NIOCore

/// One load connection keeping `depth` requests in flight: each reply is timed and immediately
/// replaced by the next request. New requests from one read are sent with a single write and flush.
///
/// Touched only on its channel's event loop (NIO's guarantee for handlers); the controller reads the
/// statistics through `eventLoop.submit`, hence `@unchecked Sendable`.
final class PipelinedConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Format {
        /// LeadRouter frames with call ids; replies may come in any order.
        case leadRouter
        /// `[u32 length][protobuf]`, replies in order (the ceiling reference).
        case ceiling
    }

    private let format: Format
    private let depth: Int
    private let control: RunControl
    private var source: RequestSource
    /// Send time per call slot (call id = slot + 1); for the ceiling, a ring in send order.
    private var sentAt: [UInt64]
    private var routedLead: [String?]
    private var ringHead = 0
    private var ringCount = 0
    private var received = ByteBuffer()
    private var outbound = ByteBuffer()
    private(set) var statistics = LoadStatistics()

    init(format: Format, depth: Int, control: RunControl, source: RequestSource) {
        self.format = format
        self.depth = depth
        self.control = control
        self.source = source
        self.sentAt = Array(repeating: 0, count: depth)
        self.routedLead = Array(repeating: nil, count: depth)
    }

    func channelActive(context: ChannelHandlerContext) {
        switch format {
        case .leadRouter:
            var hello = ByteBuffer()
            hello.writeField(1, varint: 1)
            hello.writeField(2, string: "leadbench")
            Frame(type: .hello, callID: 0, payload: hello).write(to: &outbound)
        case .ceiling:
            for slot in 0..<depth { issue(slot: slot) }
        }
        flush(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        received.writeBuffer(&bytes)
        switch format {
        case .leadRouter: readLeadRouterFrames(context: context)
        case .ceiling: readCeilingFrames()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        received.discardReadBytes()
        flush(context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if statistics.firstError == nil { statistics.firstError = "connection: \(error)" }
        context.close(promise: nil)
    }

    private func flush(context: ChannelHandlerContext) {
        guard outbound.readableBytes > 0 else { return }
        context.writeAndFlush(wrapOutboundOut(outbound), promise: nil)
        outbound = context.channel.allocator.buffer(capacity: 256)
    }

    private func issue(slot: Int) {
        guard control.mayIssue() else { return }
        let now = LoadStatistics.now()
        switch format {
        case .leadRouter:
            sentAt[slot] = now
            switch source.writeFrame(callID: UInt32(slot + 1), sentAt: now, to: &outbound) {
            case .route(let leadID): routedLead[slot] = leadID
            case .other: routedLead[slot] = nil
            }
        case .ceiling:
            sentAt[(ringHead + ringCount) % depth] = now
            ringCount += 1
            source.writeCeilingFrame(sentAt: now, to: &outbound)
        }
    }

    private func readLeadRouterFrames(context: ChannelHandlerContext) {
        while let length = received.getInteger(at: received.readerIndex, as: UInt32.self),
            received.readableBytes >= 4 + Int(length)
        {
            received.moveReaderIndex(forwardBy: 4)
            let type = received.readInteger(as: UInt8.self)!
            let callID = Int(received.readInteger(as: UInt32.self)!)
            let payload = received.readSlice(length: Int(length) - Frame.fixedBodySize)!
            switch FrameType(rawValue: type) {
            case .helloOK:
                for slot in 0..<depth { issue(slot: slot) }
            case .response, .status:
                let slot = callID - 1
                guard slot >= 0 && slot < depth else { continue }
                let ok = type == FrameType.response.rawValue
                if control.isMeasuring {
                    statistics.recordReply(sentAt: sentAt[slot], ok: ok, error: Self.describeStatus(payload))
                }
                if ok, let lead = routedLead[slot] { source.answeredLead = lead }
                issue(slot: slot)
            default:
                statistics.firstError = statistics.firstError ?? "GOAWAY: \(Self.describeStatus(payload))"
                context.close(promise: nil)
                return
            }
        }
    }

    private func readCeilingFrames() {
        while let length = received.getInteger(at: received.readerIndex, as: UInt32.self),
            received.readableBytes >= 4 + Int(length)
        {
            received.moveReaderIndex(forwardBy: 4 + Int(length))
            guard ringCount > 0 else { continue }
            if control.isMeasuring { statistics.recordReply(sentAt: sentAt[ringHead], ok: true) }
            ringHead = (ringHead + 1) % depth
            ringCount -= 1
            issue(slot: 0)
        }
    }

    private static func describeStatus(_ payload: ByteBuffer) -> String {
        let status = try? Leadrouter_V1_Status(serializedBytes: Array(payload.readableBytesView))
        return status.map { "status \($0.code): \($0.message)" } ?? "undecodable status"
    }
}
