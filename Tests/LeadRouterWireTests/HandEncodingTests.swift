import Foundation
import LeadRouterCore
import LeadRouterWire
import NIOCore
import SwiftProtobuf
import Testing

/// The hand-written encoders (RouteReply, stream events) must produce what the generated code would:
/// everything they write is decoded with the generated type and compared with the message built the
/// generated way.
@Suite("Hand-written protobuf encoding")
struct HandEncodingTests {
    @Test func decodesToWhatTheGeneratedCodeWouldHaveSent() throws {
        var generator = RandomValues()
        for round in 0..<500 {
            let assignment = generator.assignment()
            let created = round % 2 == 0
            var expected = Leadrouter_V1_RouteReply()
            expected.assignment = assignment.wire
            expected.created = created
            let decoded = try Leadrouter_V1_RouteReply(payload: assignment.routeReplyPayload(created: created))
            #expect(decoded == expected, "round \(round): \(assignment)")
            if decoded != expected { return }
        }
    }

    @Test func streamEventsDecodeToWhatTheGeneratedCodeWouldHaveSent() throws {
        var generator = RandomValues()
        for round in 0..<300 {
            let assignment = generator.assignment()
            let lead = assignment.lead.id
            let rep = assignment.rep ?? ""
            let text = generator.text()
            let kinds: [EngineEvent.Kind] = [
                .offered(
                    Offer(
                        lead: assignment.lead, rep: rep, rule: assignment.rule, priority: assignment.priority,
                        slaDeadline: Timestamp(millis: generator.millis()), poolKey: text, strategy: .weighted,
                        joining: [:], explanation: assignment.explanation)),
                .queued(
                    QueuedLead(
                        lead: assignment.lead, rule: assignment.rule, priority: 1, explanation: assignment.explanation)),
                .accepted(lead: lead, rep: rep), .completed(lead: lead, rep: rep, outcome: text),
                .expired(lead: lead, rep: rep), .released(lead: lead, rep: rep, reason: text),
                .escalated(lead: lead, rule: text),
                .availabilityChanged(AvailabilityChange(rep: rep, status: .onCall, activeCalls: 1, capacity: nil)),
                .repRemoved(rep), .archived([assignment], logEntries: 1),
            ]
            for kind in kinds {
                let event = EngineEvent(
                    seq: UInt64.random(in: 0...UInt64.max), time: Timestamp(millis: generator.millis()), kind: kind)
                let decoded = try Leadrouter_V1_AssignmentEvent(payload: event.streamPayload)
                #expect(decoded == event.wire, "round \(round): \(event)")
                if decoded != event.wire { return }
            }
        }
    }

    /// Nested lengths of one, two and three varint bytes, byte for byte as the generated code writes them.
    @Test func longNestedMessagesCarryTheSameLengthPrefixesAsTheGeneratedCode() throws {
        for noteBytes in [0, 100, 200, 20_000] {
            var lead = Lead(id: "l", createdAt: Timestamp(millis: 1), source: "web")
            lead.custom = ["k": String(repeating: "v", count: noteBytes / 2)]
            var explanation = Explanation(policyVersion: "1", rule: "r", rulesNotMatched: [])
            explanation.notes = [String(repeating: "n", count: noteBytes)]
            let assignment = Assignment(
                lead: lead, state: .offered, rep: "a", rule: "r", seq: 7, priority: 1, offeredAt: nil,
                acceptedAt: nil, completedAt: nil, slaDeadline: nil, expiredReps: [], misses: 0, escalated: false,
                outcome: nil, explanation: explanation)
            var expected = Leadrouter_V1_RouteReply()
            expected.assignment = assignment.wire
            expected.created = true
            let payload = assignment.routeReplyPayload(created: true)
            #expect(Array(payload.readableBytesView) == (try expected.serializedBytes() as [UInt8]), "\(noteBytes)")
        }
    }

    @Test func writesNothingForDefaultsAndKeepsEmptyOptionals() throws {
        var lead = Lead(id: "l", createdAt: Timestamp(millis: 0), source: "")
        lead.intents = [""]
        let assignment = Assignment(
            lead: lead, state: .queued, rep: nil, rule: "", seq: 0, priority: 0, offeredAt: nil, acceptedAt: nil,
            completedAt: nil, slaDeadline: nil, expiredReps: [], misses: 0, escalated: false, outcome: nil,
            explanation: Explanation(policyVersion: "", rule: "", rulesNotMatched: []))
        let payload = assignment.routeReplyPayload(created: false)
        let decoded = try Leadrouter_V1_RouteReply(payload: payload)
        #expect(decoded.assignment.lead.hasSource && decoded.assignment.lead.source.isEmpty)
        #expect(decoded.assignment.lead.intents == [""])
        #expect(!decoded.assignment.lead.hasCountry && !decoded.created)
        var expected = Leadrouter_V1_RouteReply()
        expected.assignment = assignment.wire
        #expect(Array(payload.readableBytesView) == (try expected.serializedBytes() as [UInt8]))
    }
}

/// The engine types the encoders write.
extension RandomValues {
    mutating func lead() -> Lead {
        Lead(
            id: text(), createdAt: Timestamp(millis: millis()), source: maybe { $0.text() },
            country: maybe { $0.text() }, region: maybe { $0.text() }, state: maybe { $0.text() },
            postalCode: maybe { $0.text() }, industry: maybe { $0.text() },
            employees: maybe { Int.random(in: Int.min...Int.max, using: &$0.random) },
            dealSize: maybe { $0.number() }, product: maybe { $0.text() }, score: maybe { $0.number() },
            language: maybe { $0.text() }, accountID: maybe { $0.text() }, email: maybe { $0.text() },
            intents: texts(),
            custom: Dictionary(texts().map { ($0, "v" + $0) }, uniquingKeysWith: { first, _ in first }))
    }

    mutating func explanation() -> Explanation {
        var explanation = Explanation(policyVersion: text(), rule: text(), rulesNotMatched: RuleNames(texts()))
        let stages = (0..<Int.random(in: 0..<3, using: &random)).map { _ in
            Explanation.Stage(
                pool: text(), strategy: RoutingStrategy.allCases.randomElement(using: &random)!,
                candidates: (0..<Int.random(in: 0..<5, using: &random)).map { _ in
                    Explanation.Candidate(
                        rep: text(), rejection: chance(70) ? Explanation.Rejection.allCases.randomElement()! : nil,
                        score: maybe { $0.number() })
                },
                rejectionCounts: Explanation.Rejection.allCases.filter { _ in chance(30) }.reduce(into: [:]) {
                    $0[$1] = Int.random(in: 0...100_000, using: &random)
                },
                chosen: maybe { $0.text() })
        }
        explanation.stages = Explanation.StageList(stages)
        explanation.chosen = maybe { $0.text() }
        explanation.outcome = [.assigned, .queued, .existing, .escalated].randomElement(using: &random)!
        explanation.notes = texts()
        return explanation
    }

    mutating func assignment() -> Assignment {
        let timestamp = { (generator: inout RandomValues) in Timestamp(millis: generator.millis()) }
        return Assignment(
            lead: lead(), state: [.queued, .offered, .accepted, .completed].randomElement(using: &random)!,
            rep: maybe { $0.text() }, rule: text(),
            seq: [0, 1, UInt64.max, UInt64.random(in: 0...UInt64.max, using: &random)].randomElement()!,
            priority: number(), offeredAt: maybe(timestamp), acceptedAt: maybe(timestamp),
            completedAt: maybe(timestamp), slaDeadline: maybe(timestamp), expiredReps: texts(),
            misses: [0, 1, 7, -3, Int(Int32.max)].randomElement(using: &random)!, escalated: chance(50),
            outcome: maybe { $0.text() }, explanation: explanation())
    }
}
