import HashTreeCollections

/// How many leads wait under each rule (the rule named in their records), derived from
/// ``EngineState/queue`` like ``QueueOrder``, and not part of a state's identity.
///
/// A rep freed by a completion, an expiry or a status change looks at the queue for a lead to take.
/// When every waiting lead belongs to rules whose pools never include that rep (another team's
/// leads waiting for that team), the rep can take none of them, and the rules say so without
/// looking at a single lead: with 2,000 leads waiting for one busy team, every completion in the
/// other teams checked the best 256 of them one by one.
struct QueueClasses: Sendable {
    private(set) var waitingByRule: [String: Int] = [:]

    mutating func add(rule: String) { waitingByRule[rule, default: 0] += 1 }

    mutating func remove(rule: String) {
        guard let count = waitingByRule[rule] else { return }
        waitingByRule[rule] = count > 1 ? count - 1 : nil
    }

    /// Counts a whole queue again (after loading a snapshot).
    mutating func rebuild(from queue: TreeDictionary<LeadID, QueueEntry>, assignments: AssignmentTable) {
        waitingByRule = [:]
        for lead in queue.keys {
            if let rule = assignments[lead]?.rule { add(rule: rule) }
        }
    }
}
