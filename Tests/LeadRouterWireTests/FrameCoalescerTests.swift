import LeadRouterWire
import NIOCore
import NIOEmbedded
import Testing

@Suite("Frame coalescer")
struct FrameCoalescerTests {
    static let frames = [
        Frame(type: .response, callID: 1, payload: ByteBuffer(string: "one")),
        Frame(type: .status, callID: 2, payload: ByteBuffer(bytes: [0x08, 0x05])),
        Frame(type: .streamMessage, callID: 3, payload: ByteBuffer(bytes: Array(repeating: 0xCD, count: 700))),
    ]

    @Test func framesWrittenBeforeAFlushLeaveAsOneBufferInOrder() throws {
        let channel = EmbeddedChannel(handler: FrameCoalescer())
        var written: [EventLoopFuture<Void>] = []
        for frame in Self.frames { written.append(channel.write(frame)) }
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "nothing leaves before the flush")
        channel.flush()
        var expected = ByteBuffer()
        for frame in Self.frames { frame.write(to: &expected) }
        #expect(try channel.readOutbound(as: ByteBuffer.self) == expected)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        for future in written { try future.wait() }
        // The next burst starts a new buffer.
        channel.writeAndFlush(Self.frames[0], promise: nil)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == FrameCodecTests.bytes(Self.frames[0]))
        _ = try channel.finish()
    }

    @Test func framesNeverFlushedFailTheirPromisesWhenTheConnectionCloses() throws {
        let channel = EmbeddedChannel(handler: FrameCoalescer())
        let pending = channel.write(Self.frames[0])
        try channel.close().wait()
        #expect(throws: ChannelError.self) { try pending.wait() }
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    }
}
