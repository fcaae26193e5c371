import Foundation
import LeadRouterWire
import NIOCore
import NIOTestUtils
import Testing

@Suite("Frame codec")
struct FrameCodecTests {
    static func bytes(_ frame: Frame) -> ByteBuffer {
        var buffer = ByteBuffer()
        frame.write(to: &buffer)
        return buffer
    }

    @Test func decoderSplitsAndReassemblesFramesAtEveryByteBoundary() throws {
        let frames = [
            Frame(type: .hello, callID: 0, payload: ByteBuffer(string: "hi")),
            Frame(type: .request, callID: 7, payload: ByteBuffer(bytes: Array(repeating: 0xAB, count: 300))),
            Frame(type: .cancel, callID: 7),
            Frame(type: .credit, callID: UInt32.max, payload: ByteBuffer(bytes: [0x08, 0x40])),
        ]
        let pairs = frames.map { (Self.bytes($0), [$0]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            FrameDecoder(maximumFrameSize: 1024)
        }
    }

    @Test func encoderWritesTheDocumentedLayout() throws {
        var buffer = Self.bytes(Frame(type: .response, callID: 0x0102_0304, payload: ByteBuffer(bytes: [0xAA])))
        #expect(buffer.readBytes(length: buffer.readableBytes) == [0, 0, 0, 6, 0x11, 1, 2, 3, 4, 0xAA])
    }

    static let malformed: [(name: String, bytes: [UInt8], code: StatusCode)] = [
        ("length beyond the maximum", [0x00, 0x10, 0x00, 0x00, 0x10], .resourceExhausted),
        ("huge length", [0xFF, 0xFF, 0xFF, 0xFF], .resourceExhausted),
        ("length shorter than the header", [0, 0, 0, 3, 0x10, 0, 0], .invalidArgument),
        ("zero length", [0, 0, 0, 0], .invalidArgument),
        ("unknown frame type", [0, 0, 0, 5, 0x7E, 0, 0, 0, 1], .invalidArgument),
    ]

    @Test(arguments: malformed.indices)
    func malformedInputIsRejectedWithAStatus(_ index: Int) throws {
        let (name, bytes, code) = Self.malformed[index]
        var decoder = FrameDecoder(maximumFrameSize: 1024)
        var buffer = ByteBuffer(bytes: bytes)
        let error = #expect(throws: ProtocolViolation.self, "\(name)") { _ = try decoder.decode(buffer: &buffer) }
        #expect(error?.code == code, "\(name)")
    }

    @Test func oversizedLengthIsRejectedBeforeThePayloadArrives() throws {
        var decoder = FrameDecoder(maximumFrameSize: 1024)
        var header = ByteBuffer(bytes: [0x00, 0x00, 0x04, 0x01])  // 1025 bytes announced, none sent
        #expect(throws: ProtocolViolation.self) { _ = try decoder.decode(buffer: &header) }
    }

    @Test func truncatedFrameWaitsThenFailsAtEndOfStream() throws {
        var decoder = FrameDecoder(maximumFrameSize: 1024)
        var partial = ByteBuffer(bytes: [0, 0, 0, 9, 0x10, 0, 0, 0, 1, 0xAA])
        #expect(try decoder.decode(buffer: &partial) == nil)
        #expect(throws: ProtocolViolation.self) { _ = try decoder.decodeLast(buffer: &partial, seenEOF: true) }
    }

    @Test func undecodablePayloadIsAnInvalidArgument() throws {
        let error = #expect(throws: RPCError.self) {
            _ = try Leadrouter_V1_RouteRequest(payload: ByteBuffer(bytes: [0x0A, 0xFF, 0x01]))
        }
        #expect(error?.code == .invalidArgument)
    }
}

@Suite("docs/PROTOCOL.md worked example")
struct ProtocolExampleTests {
    @Test func theDocumentedRouteCallBytesAreWhatTheCodeProduces() throws {
        var lead = Leadrouter_V1_Lead()
        lead.id = "lead-1"
        lead.source = "web"
        lead.country = "DE"
        var route = Leadrouter_V1_RouteRequest()
        route.lead = lead
        var request = Leadrouter_V1_Request()
        request.method = "Route"
        request.timeoutMs = 1000
        request.payload = try route.serializedData()
        var buffer = ByteBuffer()
        Frame(type: .request, callID: 1, payload: request.payload()).write(to: &buffer)
        let hex = buffer.readableBytesView.map { String(format: "%02x", $0) }.joined(separator: " ")
        #expect(
            hex
                == "00 00 00 24 10 00 00 00 01 0a 05 52 6f 75 74 65 10 e8 07 22 13 0a 11 0a 06 6c 65 61 64 2d 31 1a 03 77 65 62 22 02 44 45"
        )
    }
}
