import Foundation
import LeadRouterCore
import Testing

/// An assignment record stores its optional timestamps packed (``Assignment``): each must read back
/// as set, absent ones as absent, through changes and through coding.
@Suite("Assignment records")
struct AssignmentRecordTests {
    static func record(offeredAt: Timestamp?, slaDeadline: Timestamp?) -> Assignment {
        Assignment(
            lead: Lead(id: "a", createdAt: Timestamp(millis: 100)), state: .offered, rep: "r", rule: "default",
            seq: 3, priority: 1, offeredAt: offeredAt, acceptedAt: nil, completedAt: nil, slaDeadline: slaDeadline,
            expiredReps: [], misses: 0, escalated: false, outcome: nil,
            explanation: Explanation(policyVersion: "v", rule: "default", rulesNotMatched: []))
    }

    @Test func timestampsReadBackAsSetAndAbsentOnesAsAbsent() throws {
        var record = Self.record(offeredAt: Timestamp(millis: 150), slaDeadline: Timestamp(millis: -5))
        #expect(record.offeredAt == Timestamp(millis: 150) && record.slaDeadline == Timestamp(millis: -5))
        #expect(record.acceptedAt == nil && record.completedAt == nil)
        #expect(record.timeToAssignMillis == 50 && record.timeToAcceptMillis == nil)
        record.acceptedAt = Timestamp(millis: 0)
        record.completedAt = Timestamp(millis: Int64.max)
        record.offeredAt = nil
        #expect(record.acceptedAt == Timestamp(millis: 0) && record.completedAt == Timestamp(millis: Int64.max))
        #expect(record.offeredAt == nil && record.slaDeadline == Timestamp(millis: -5))
        #expect(record != Self.record(offeredAt: nil, slaDeadline: Timestamp(millis: -5)))

        let decoded = try JSONDecoder().decode(Assignment.self, from: JSONEncoder().encode(record))
        #expect(decoded == record)
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any])
        // The public names; absent timestamps are left out, as before they were packed.
        #expect(object["acceptedAt"] != nil && object["slaDeadline"] != nil && object["offeredAt"] == nil)
    }
}
