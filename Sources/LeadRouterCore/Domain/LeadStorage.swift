/// A lead's attributes in one heap block: the fixed ones in the header, then only the text fields the
/// lead has, in field order.
///
/// Every open lead stays in memory, and a lead usually carries a few of its ten optional text fields:
/// stored inline, the ten took 160 bytes per lead whether set or not, and a growing heap costs the
/// server page faults on every new page (a fifth of its CPU under load). Here a lead pays 16 bytes per
/// text field it has, and a bit per field says which it has: a field's place among the stored ones is
/// the number of bits set below its own, so reading one is a bit test and a population count.
///
/// Never changed after it is made (a changed lead gets a new block), so sharing one between threads is
/// safe; ``Lead`` is `@unchecked Sendable` for that reason.
final class LeadStorage: ManagedBuffer<LeadStorage.Header, String> {
    /// The optional text fields, in the order a block stores them.
    enum TextField: UInt8, CaseIterable {
        case source, country, region, state, postalCode, industry, product, language, accountID, email
    }

    struct Header {
        let id: LeadID
        let createdAt: Timestamp
        let intents: [String]
        let custom: [String: String]
        /// Valid when the matching bit of `numbers` is set: one optional each would take 16 bytes.
        let employees: Int
        let dealSize: Double
        let score: Double
        let numbers: Numbers
        /// Bit `f` set when text field `f` is stored.
        let texts: UInt16

        var textCount: Int { texts.nonzeroBitCount }
    }

    /// Which of the numeric attributes a lead has.
    struct Numbers: OptionSet {
        let rawValue: UInt8
        static let employees = Numbers(rawValue: 1)
        static let dealSize = Numbers(rawValue: 2)
        static let score = Numbers(rawValue: 4)
    }

    /// A block holding these attributes and, of `texts` (`texts[i]` is the value of
    /// `TextField(rawValue: i)`), the fields that are set.
    static func make(
        id: LeadID, createdAt: Timestamp, employees: Int?, dealSize: Double?, score: Double?, intents: [String],
        custom: [String: String], texts: borrowing InlineArray<10, String?>
    ) -> LeadStorage {
        var present: UInt16 = 0
        for index in texts.indices where texts[index] != nil { present |= 1 << index }
        var numbers: Numbers = []
        if employees != nil { numbers.insert(.employees) }
        if dealSize != nil { numbers.insert(.dealSize) }
        if score != nil { numbers.insert(.score) }
        let header = Header(
            id: id, createdAt: createdAt, intents: intents, custom: custom, employees: employees ?? 0,
            dealSize: dealSize ?? 0, score: score ?? 0, numbers: numbers, texts: present)
        let storage = unsafeDowncast(
            create(minimumCapacity: header.textCount) { _ in header }, to: LeadStorage.self)
        storage.withUnsafeMutablePointerToElements { elements in
            var next = elements
            for index in texts.indices {
                guard let value = texts[index] else { continue }
                next.initialize(to: value)
                next += 1
            }
        }
        return storage
    }

    deinit {
        _ = withUnsafeMutablePointers { header, texts in texts.deinitialize(count: header.pointee.textCount) }
    }

    /// The value of `field`, or `nil` when the lead does not have it. Always inlined: matching reads a
    /// few fields per rule, and as a call each read cost about fifteen instructions more.
    @inline(__always) func text(_ field: TextField) -> String? {
        let bit = UInt16(1) << field.rawValue
        return withUnsafeMutablePointers { header, texts in
            let present = header.pointee.texts
            return present & bit == 0 ? nil : texts[(present & (bit &- 1)).nonzeroBitCount]
        }
    }

    /// Every text field, set or not, in field order.
    var texts: InlineArray<10, String?> {
        var all = InlineArray<10, String?>(repeating: nil)
        for field in TextField.allCases { all[Int(field.rawValue)] = text(field) }
        return all
    }

    // Read through a pointer: `header` is a class property, and each read of one pays a run-time
    // exclusivity check (`swift_beginAccess`).
    var id: LeadID { withUnsafeMutablePointerToHeader { $0.pointee.id } }
    var createdAt: Timestamp { withUnsafeMutablePointerToHeader { $0.pointee.createdAt } }
    var intents: [String] { withUnsafeMutablePointerToHeader { $0.pointee.intents } }
    var custom: [String: String] { withUnsafeMutablePointerToHeader { $0.pointee.custom } }
    var employees: Int? {
        withUnsafeMutablePointerToHeader { $0.pointee.numbers.contains(.employees) ? $0.pointee.employees : nil }
    }
    var dealSize: Double? {
        withUnsafeMutablePointerToHeader { $0.pointee.numbers.contains(.dealSize) ? $0.pointee.dealSize : nil }
    }
    var score: Double? {
        withUnsafeMutablePointerToHeader { $0.pointee.numbers.contains(.score) ? $0.pointee.score : nil }
    }
    private var presentTexts: UInt16 { withUnsafeMutablePointerToHeader { $0.pointee.texts } }

    /// The same attributes, field by field.
    func hasSameAttributes(as other: LeadStorage) -> Bool {
        guard
            id == other.id, createdAt == other.createdAt, employees == other.employees, dealSize == other.dealSize,
            score == other.score, presentTexts == other.presentTexts, intents == other.intents,
            custom == other.custom
        else { return false }
        return withUnsafeMutablePointers { header, texts in
            other.withUnsafeMutablePointerToElements { otherTexts in
                (0..<header.pointee.textCount).allSatisfy { texts[$0] == otherTexts[$0] }
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(createdAt)
        hasher.combine(employees)
        hasher.combine(dealSize)
        hasher.combine(score)
        hasher.combine(presentTexts)
        withUnsafeMutablePointers { header, texts in
            for index in 0..<header.pointee.textCount { hasher.combine(texts[index]) }
        }
        hasher.combine(intents)
        hasher.combine(custom)
    }
}
