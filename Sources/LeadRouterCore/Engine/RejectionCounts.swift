extension Explanation {
    /// Candidates passed over, per reason: one count for each of the thirteen reasons, stored inline.
    ///
    /// Every scanned stage of every decision carries one, and every record keeps it. A dictionary cost a
    /// heap allocation per stage, hashing each reason's name on every insert, and a sort wherever a
    /// stable order was needed; this is a fixed 52 bytes inside the stage, iterated in `allCases` order.
    public struct RejectionCounts: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
        public typealias Element = (key: Rejection, value: Int)
        public typealias Key = Rejection
        public typealias Value = Int

        private var counts = InlineArray<13, UInt32>(repeating: 0)

        public init() { assert(counts.count == Rejection.allCases.count) }

        public init(dictionaryLiteral elements: (Rejection, Int)...) {
            self.init()
            for (reason, count) in elements { self[reason] += count }
        }

        /// Candidates rejected for `reason`; 0 when none was.
        public subscript(reason: Rejection) -> Int {
            get { Int(counts[reason.ordinal]) }
            set {
                // A pool holds at most as many candidates as there are reps, far below UInt32's range.
                precondition(newValue >= 0 && newValue <= Int(UInt32.max), "rejection count \(newValue) out of range")
                counts[reason.ordinal] = UInt32(newValue)
            }
        }

        /// How many reasons have a count above zero.
        public var count: Int { counts.indices.reduce(0) { $0 + (counts[$1] > 0 ? 1 : 0) } }

        public var isEmpty: Bool { counts.indices.allSatisfy { counts[$0] == 0 } }

        /// More candidates rejected for `reason`: the scan's per-candidate step, so no range check.
        mutating func add(_ reason: Rejection, times: Int = 1) {
            counts[reason.ordinal] &+= UInt32(truncatingIfNeeded: times)
        }

        /// The reasons with a count above zero, in `allCases` order.
        public func makeIterator() -> Iterator { Iterator(counts: self, position: 0) }

        public struct Iterator: IteratorProtocol {
            let counts: RejectionCounts
            var position: Int

            public mutating func next() -> Element? {
                while position < Rejection.allCases.count {
                    defer { position += 1 }
                    let count = counts.counts[position]
                    if count > 0 { return (Rejection.allCases[position], Int(count)) }
                }
                return nil
            }
        }

        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.counts.indices.allSatisfy { lhs.counts[$0] == rhs.counts[$0] }
        }

        public func hash(into hasher: inout Hasher) {
            for index in counts.indices { hasher.combine(counts[index]) }
        }
    }
}

/// In JSON, an object keyed by each reason's name, like the wire format's map.
extension Explanation.RejectionCounts: Codable {
    private struct ReasonKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: ReasonKey.self)
        for key in container.allKeys {
            guard let reason = Explanation.Rejection(rawValue: key.stringValue) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "unknown rejection reason \(key.stringValue)")
            }
            self[reason] = try container.decode(Int.self, forKey: key)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ReasonKey.self)
        for (reason, count) in self { try container.encode(count, forKey: ReasonKey(stringValue: reason.rawValue)) }
    }
}

extension Explanation.Rejection {
    /// Position in `allCases`, the slot of its count.
    var ordinal: Int {
        switch self {
        case .unknownRep: 0
        case .offline: 1
        case .away: 2
        case .onCall: 3
        case .wrapUp: 4
        case .atCapacity: 5
        case .dailyCap: 6
        case .outsideHours: 7
        case .outOfOffice: 8
        case .missingSkill: 9
        case .missingLanguage: 10
        case .previouslyExpired: 11
        case .notSelected: 12
        }
    }
}
