/// An immutable singly linked list of lead ids: prepending shares the whole tail, so adding a lead to
/// an SLA bucket costs one small allocation instead of copying a set.
final class LeadList: Hashable, Sendable {
    let lead: LeadID
    let next: LeadList?

    init(_ lead: LeadID, next: LeadList?) {
        self.lead = lead
        self.next = next
    }

    var all: [LeadID] {
        var result: [LeadID] = []
        var node: LeadList? = self
        while let current = node {
            result.append(current.lead)
            node = current.next
        }
        return result
    }

    static func == (lhs: LeadList, rhs: LeadList) -> Bool { lhs === rhs || lhs.all == rhs.all }
    func hash(into hasher: inout Hasher) { hasher.combine(all) }
}
