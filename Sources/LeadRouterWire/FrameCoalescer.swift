import NIOCore

/// Encodes outgoing frames into one buffer until the next flush, so a burst of replies (a batch of
/// pipelined Route calls) leaves as one buffer in one write, instead of one buffer, one trip through
/// the rest of the pipeline and one entry in the socket's pending writes per frame. Frames leave in
/// the order they were written, as before; only when they are handed to the socket changes, and that
/// was the flush already.
///
/// Replaces `MessageToByteHandler(FrameEncoder())` on the server, where encoding a frame per write
/// was about 5 % of the CPU at 8 connections × 16 in flight. The handler behind it on the same
/// channel can also hand frames over with ``append(_:)``, skipping the pipeline: a `Frame` is too
/// large for `NIOAny`'s inline storage, so each one written through the pipeline was boxed on the
/// heap and cast back here.
public final class FrameCoalescer: ChannelOutboundHandler, RemovableChannelHandler {
    public typealias OutboundIn = Frame
    public typealias OutboundOut = ByteBuffer

    private var pending: ByteBuffer?
    /// Promises of the frames in `pending`, completed when the buffer is written.
    private var promises: [EventLoopPromise<Void>] = []
    private var allocator = ByteBufferAllocator()
    /// Until the handler is in a pipeline, and after it leaves, frames have nowhere to go.
    private var attached = false

    public init() {}

    public func handlerAdded(context: ChannelHandlerContext) {
        allocator = context.channel.allocator
        attached = true
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        append(unwrapOutboundIn(data))
        if let promise { promises.append(promise) }
    }

    /// Adds a frame to the next flush, as a write through the pipeline would, without a promise.
    /// Call it on the channel's event loop, like any write; it keeps the order of both kinds.
    public func append(_ frame: Frame) {
        guard attached else { return }
        if pending == nil { pending = allocator.buffer(capacity: 512) }
        frame.write(to: &pending!)
    }

    public func flush(context: ChannelHandlerContext) {
        if let buffer = pending {
            pending = nil
            context.write(wrapOutboundOut(buffer), promise: takePromise(on: context.eventLoop))
        }
        context.flush()
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        // Frames never flushed are dropped with the connection, as the socket drops unflushed writes.
        if mode != .input { dropPending() }
        context.close(mode: mode, promise: promise)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        attached = false
        dropPending()
    }

    /// One promise for the buffer's write, completing every frame's (none allocated when no frame
    /// asked, which is every reply).
    private func takePromise(on eventLoop: any EventLoop) -> EventLoopPromise<Void>? {
        defer { promises.removeAll(keepingCapacity: true) }
        switch promises.count {
        case 0: return nil
        case 1: return promises[0]
        default:
            let written = eventLoop.makePromise(of: Void.self)
            for promise in promises { written.futureResult.cascade(to: promise) }
            return written
        }
    }

    private func dropPending() {
        pending = nil
        for promise in promises { promise.fail(ChannelError.ioOnClosedChannel) }
        promises.removeAll()
    }
}
