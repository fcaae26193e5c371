import Foundation
import LoadProtocol
import NIOCore
import NIOPosix

/// The ceiling reference: reads `[u32 length][RouteRequest]` frames and answers each, in order, with
/// the same fixed RouteReply frame. No engine, no multiplexing, no decoding: what the machine and NIO
/// can do at all. Usage: CeilingServer [HOST:PORT] — prints "listening on HOST:PORT" when ready.
final class CeilingHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frames = unwrapInboundIn(data)
        // FrameSplitter hands over whole frames only; answer each one.
        while let length = frames.readInteger(as: UInt32.self) {
            frames.moveReaderIndex(forwardBy: Int(length))
            context.write(wrapOutboundOut(CeilingReply.frame), promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}

/// Passes on every complete frame in what arrived (keeping partial ones for the next read).
struct FrameSplitter: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        var end = buffer.readerIndex
        while let length = buffer.getInteger(at: end, as: UInt32.self), end + 4 + Int(length) <= buffer.writerIndex {
            end += 4 + Int(length)
        }
        guard end > buffer.readerIndex else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: end - buffer.readerIndex)!))
        return .continue
    }
}

let address = CommandLine.arguments.dropFirst().first ?? "127.0.0.1:7421"
let parts = address.split(separator: ":")
let host = String(parts.first ?? "127.0.0.1")
let port = Int(parts.last ?? "7421") ?? 7421
let threads = System.coreCount
let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameSplitter()))
            try channel.pipeline.syncOperations.addHandler(CeilingHandler())
        }
    }
    .bind(host: host, port: port).get()
// Unbuffered: compare.sh waits for this line through a pipe.
FileHandle.standardOutput.write(Data(("listening on \(host):\(channel.localAddress?.port ?? port)" + "\n").utf8))
try await channel.closeFuture.get()
