import LeadRouterCore
import Testing

/// A page of assignments in lead-id order, taken in one pass: it must be exactly what sorting every
/// matching record and cutting the page off the front gives, for any token, filter and page size.
@Suite("Assignment pages")
struct AssignmentPageTests {
    @Test func aPageIsTheFrontOfTheSortedMatchingRecordsAfterTheToken() {
        var random = SeededGenerator(seed: 0x9A6E)
        var table = AssignmentTable()
        let reps = ["ana", "bo", "cy"]
        for _ in 0..<3_000 {
            let id = "lead-\(UInt32.random(in: 0..<50_000, using: &random))"
            var record = AssignmentRecordTests.record(offeredAt: nil, slaDeadline: nil)
            record.lead = Lead(id: id, createdAt: Timestamp(millis: 1))
            record.rep = reps.randomElement(using: &random)
            table[id] = record
        }
        let all = Array(table.values)
        let filters: [(String, (Assignment) -> Bool)] = [
            ("everything", { _ in true }), ("bo's", { $0.rep == "bo" }), ("nobody's", { $0.rep == "zed" }),
        ]
        for (name, matches) in filters {
            let sorted = all.filter(matches).map(\.lead.id).sorted()
            for token in [nil, "lead-", "lead-2", sorted.randomElement(using: &random), "m"] {
                for limit in [0, 1, 7, 101, 5_000] {
                    let page = table.firstRecords(after: token, limit: limit) { matches(copy $0) }
                    let expected = sorted.filter { token == nil || $0 > token! }.prefix(limit)
                    #expect(page.map(\.lead.id) == Array(expected), "\(name) after \(token ?? "start"), \(limit)")
                }
            }
        }
    }
}
