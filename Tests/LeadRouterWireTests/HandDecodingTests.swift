import Foundation
import LeadRouterCore
import LeadRouterWire
import NIOCore
import SwiftProtobuf
import Testing

/// The hand-written decoders (the request envelope, Route's request) must read what the generated
/// code reads, and refuse what it refuses: random messages are encoded by the generated code, merged,
/// padded with unknown fields and damaged, then decoded both ways and compared.
@Suite("Hand-written protobuf decoding")
struct HandDecodingTests {
    static let now = Timestamp(millis: 1_764_000_000_000)

    /// What the server did before: the generated decoder, then the same checks and conversion.
    static func generatedRoute(_ bytes: [UInt8]) -> Result<(Lead, Bool), RPCError> {
        Result { () throws(RPCError) in
            let request = try Leadrouter_V1_RouteRequest(payload: ByteBuffer(bytes: bytes))
            guard request.hasLead else { throw RPCError(.invalidArgument, "lead is required") }
            do {
                return (try Lead(wire: request.lead, now: now), request.explain)
            } catch let error as RPCError {
                throw error
            } catch {
                throw RPCError(.internal, "\(error)")
            }
        }
    }

    static func handRoute(_ bytes: [UInt8]) -> Result<(Lead, Bool), RPCError> {
        Result { () throws(RPCError) in
            let fields = try RouteRequestFields(payload: ByteBuffer(bytes: bytes), now: now)
            return (fields.lead, fields.explain)
        }
    }

    static func agree(_ bytes: [UInt8]) -> Bool {
        switch (generatedRoute(bytes), handRoute(bytes)) {
        case (.success(let generated), .success(let hand)): generated.0 == hand.0 && generated.1 == hand.1
        case (.failure(let generated), .failure(let hand)): generated.code == hand.code
        default: false
        }
    }

    static func describe(_ bytes: [UInt8]) -> String {
        func text(_ result: Result<(Lead, Bool), RPCError>) -> String {
            switch result {
            case .success(let value): "\(value.0) explain \(value.1)"
            case .failure(let error): "\(error)"
            }
        }
        return "generated: \(text(generatedRoute(bytes)))\nhand: \(text(handRoute(bytes)))\nbytes: \(bytes)"
    }

    @Test func routeRequestsReadAsTheGeneratedCodeReadsThem() throws {
        var generator = RandomValues()
        var accepted = 0
        for round in 0..<1_500 {
            var bytes: [UInt8] = try generator.routeRequest().serializedBytes()
            if generator.chance(30) { bytes += try generator.routeRequest().serializedBytes() as [UInt8] }
            if generator.chance(40) { bytes = generator.unknownFields() + bytes + generator.unknownFields() }
            #expect(Self.agree(bytes), "round \(round): \(bytes)")
            if case .success = Self.handRoute(bytes) { accepted += 1 }
            let damaged = generator.damage(bytes)
            #expect(Self.agree(damaged), "round \(round), damaged: \(Self.describe(damaged))")
        }
        #expect(accepted > 1_000)
    }

    @Test func rejectsWhatTheGeneratedCodeRejects() throws {
        let cases: [(String, [UInt8])] = [
            ("field number 0", [0x00, 0x01]),
            ("truncated varint", [0x10, 0x80]),
            ("overlong varint", [0x10] + Array(repeating: 0xFF, count: 10) + [0x01]),
            ("a lead with the wrong wire type is skipped, so there is none", [0x08, 0x01]),
            ("lead longer than the message", [0x0A, 0x05, 0x0A, 0x01]),
            ("invalid UTF-8 in the lead id", [0x0A, 0x03, 0x0A, 0x01, 0xFF]),
            ("end of a group never started", [0x0C]),
            ("no lead", [0x10, 0x01]),
            ("empty lead id", [0x0A, 0x00]),
        ]
        for (name, bytes) in cases {
            #expect(Self.agree(bytes), "\(name)")
            #expect(throws: RPCError.self, "\(name)") {
                try RouteRequestFields(payload: ByteBuffer(bytes: bytes), now: Self.now)
            }
        }
    }

    @Test func envelopesReadAsTheGeneratedCodeReadsThem() throws {
        var generator = RandomValues()
        for round in 0..<1_000 {
            var request = Leadrouter_V1_Request()
            request.method = generator.text()
            request.timeoutMs = UInt32.random(in: 0...UInt32.max)
            for _ in 0..<Int.random(in: 0..<3) { request.metadata[generator.text()] = generator.text() }
            request.payload = Data(try generator.routeRequest().serializedBytes() as [UInt8])
            var bytes: [UInt8] = try request.serializedBytes()
            if generator.chance(40) { bytes += generator.unknownFields() }
            for input in [bytes, generator.damage(bytes)] {
                let generated = try? Leadrouter_V1_Request(payload: ByteBuffer(bytes: input))
                let hand = try? RequestEnvelope(payload: ByteBuffer(bytes: input))
                #expect((generated == nil) == (hand == nil), "round \(round): \(input)")
                if let generated, let hand {
                    #expect(hand.method == generated.method && hand.timeoutMs == generated.timeoutMs)
                    #expect(hand.metadata == generated.metadata)
                    #expect(Array(hand.payload.readableBytesView) == Array(generated.payload))
                }
            }
        }
    }
}

/// The wire messages the decoders read, and ways to damage them.
extension RandomValues {
    mutating func wireLead() -> Leadrouter_V1_Lead {
        var lead = Leadrouter_V1_Lead()
        if chance(95) {
            lead.id = chance(3) ? String(repeating: "z", count: 300) : "lead-\(Int.random(in: 0..<999))"
        }
        if chance(50) { lead.createdAtMs = Int64.random(in: Int64.min...Int64.max, using: &random) }
        if chance(50) { lead.source = text() }
        if chance(50) { lead.country = text() }
        if chance(30) { lead.region = text() }
        if chance(30) { lead.state = text() }
        if chance(30) { lead.postalCode = text() }
        if chance(30) { lead.industry = text() }
        if chance(30) { lead.employees = Int64.random(in: Int64.min...Int64.max, using: &random) }
        if chance(30) { lead.dealSize = [0, -0.0, 12.5, -1e300].randomElement(using: &random)! }
        if chance(30) { lead.product = text() }
        if chance(30) { lead.score = Double.random(in: -100...100, using: &random) }
        if chance(30) { lead.language = text() }
        if chance(30) { lead.accountID = text() }
        if chance(30) { lead.email = text() }
        lead.intents = (0..<Int.random(in: 0..<3, using: &random)).map { _ in text() }
        for _ in 0..<Int.random(in: 0..<3, using: &random) { lead.custom[text()] = text() }
        return lead
    }

    mutating func routeRequest() -> Leadrouter_V1_RouteRequest {
        var request = Leadrouter_V1_RouteRequest()
        if chance(95) { request.lead = wireLead() }
        request.explain = chance(30)
        return request
    }

    /// Fields no version of the schema declares, of every wire type, including a nested group.
    mutating func unknownFields() -> [UInt8] {
        var bytes: [UInt8] = []
        if chance(50) { bytes += [0xF8, 0x06, 0x96, 0x01] }  // field 111, varint 150
        if chance(50) { bytes += [0xFD, 0x06, 1, 2, 3, 4] }  // field 111, fixed32
        if chance(50) { bytes += [0xF9, 0x06] + Array(repeating: 9, count: 8) }  // field 111, fixed64
        if chance(50) { bytes += [0xFA, 0x06, 3, 0x61, 0x62, 0x63] }  // field 111, 3 bytes
        if chance(30) { bytes += [0xFB, 0x06, 0x08, 0x01, 0x83, 0x07, 0x84, 0x07, 0xFC, 0x06] }  // group 111
        return bytes
    }

    /// A random cut, a flipped bit or a junk byte.
    mutating func damage(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        guard !bytes.isEmpty else { return [0xFF] }
        switch Int.random(in: 0..<3, using: &random) {
        case 0: bytes.removeLast(Int.random(in: 1...bytes.count, using: &random))
        case 1: bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= 1 << UInt8.random(in: 0..<8)
        default: bytes.insert(UInt8.random(in: 0...255), at: Int.random(in: 0...bytes.count, using: &random))
        }
        return bytes
    }
}
