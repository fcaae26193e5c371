/// The lead fields a policy's conditions read, numbered, each with the text literals its tests compare
/// against, numbered too. A route looks a lead's value up here once per field; every test after that
/// compares small integers instead of strings, and retains nothing.
struct FieldTable: Sendable {
    struct Slot: Sendable {
        let field: LeadField
        var literals = LiteralTable()
        /// Whether a range test reads the field as a number.
        var readsNumber = false
    }

    private(set) var slots: [Slot] = []
    private var slotOf: [LeadField: Int32] = [:]

    var count: Int { slots.count }

    mutating func slot(_ field: LeadField) -> Int32 {
        if let slot = slotOf[field] { return slot }
        let slot = Int32(slots.count)
        slots.append(Slot(field: field))
        slotOf[field] = slot
        return slot
    }

    /// The number of `text` among the slot's literals, assigned on first sight.
    mutating func literal(_ text: String, in slot: Int32) -> Int32 {
        slots[Int(slot)].literals.number(assigning: text)
    }

    mutating func markReadsNumber(_ slot: Int32) { slots[Int(slot)].readsNumber = true }

    /// The lead's value for a single-valued slot, as the tests compare it.
    func fact(_ slot: Int32, of lead: Lead) -> LeadFact {
        // Read in place: copying the slot out retained its field and its literals.
        let position = Int(slot)
        if !slots[position].readsNumber, let text = slots[position].field.text(of: lead) {
            // A text field compared only with literals (the rule index's country and source): its
            // string is looked up as it is, without wrapping it in a `LeadValue` and destroying that.
            var fact = LeadFact.present
            if !slots[position].literals.isEmpty, let id = slots[position].literals.number(of: text) {
                fact.literal = id
            }
            return fact
        }
        guard let value = slots[position].field.value(of: lead) else { return .absent }
        var fact = LeadFact.present
        if !slots[position].literals.isEmpty, let text = value.firstText,
            let id = slots[position].literals.number(of: text)
        {
            fact.literal = id
        }
        if slots[position].readsNumber, let number = value.number {
            fact.hasNumber = true
            fact.number = number
        }
        return fact
    }
}

/// One field of one lead, reduced to what compiled tests read: no strings, so copying it costs nothing.
struct LeadFact {
    var known: Bool
    var present: Bool
    var hasNumber = false
    /// The number of the value among the slot's literals; -1 when it equals none of them.
    var literal: Int32 = -1
    var number = 0.0

    static let unknown = LeadFact(known: false, present: false)
    static let absent = LeadFact(known: true, present: false)
    static let present = LeadFact(known: true, present: true)
}

/// A lead's facts, each worked out the first time a test asks for it, for the span of one match.
struct LeadFacts {
    let lead: Lead
    let table: FieldTable
    private let facts: UnsafeMutableBufferPointer<LeadFact>

    /// Runs `body` with room for every slot's fact on the stack.
    static func with<Result>(_ lead: Lead, _ table: FieldTable, _ body: (LeadFacts) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: LeadFact.self, capacity: max(table.count, 1)) { facts in
            facts.initialize(repeating: .unknown)
            return body(LeadFacts(lead: lead, table: table, facts: facts))
        }
    }

    subscript(slot: Int32) -> LeadFact {
        let known = facts[Int(slot)]
        if known.known { return known }
        let fact = table.fact(slot, of: lead)
        facts[Int(slot)] = fact
        return fact
    }
}
