extension Explanation {
    /// An explanation's stages in chain order: the first stored inline, any later ones in an array.
    ///
    /// Most decisions try one pool, and every record keeps its explanation: an array of stages was a
    /// heap allocation per route (and its 32-byte header per stored record), for one element.
    public struct StageList: RandomAccessCollection, MutableCollection, Hashable, Sendable, Codable,
        ExpressibleByArrayLiteral
    {
        private var first: Stage?
        private var later: [Stage] = []
        /// Derived with a pattern, which reads the optional's tag (`first == nil` would compare through
        /// `Stage`'s `==`, copying the stage); not stored, so a record's explanation is 8 bytes smaller.
        public var count: Int {
            if case .none = first { return 0 }
            return 1 + later.count
        }

        public init() {}

        public init(_ stages: some Sequence<Stage>) {
            for stage in stages { append(stage) }
        }

        public init(arrayLiteral stages: Stage...) { self.init(stages) }

        public var startIndex: Int { 0 }
        public var endIndex: Int { count }

        public subscript(position: Int) -> Stage {
            get {
                precondition(position >= 0 && position < endIndex, "stage \(position) out of range 0..<\(endIndex)")
                return position == 0 ? first! : later[position - 1]
            }
            _modify {
                precondition(position >= 0 && position < endIndex, "stage \(position) out of range 0..<\(endIndex)")
                if position == 0 {
                    yield &first!
                } else {
                    yield &later[position - 1]
                }
            }
        }

        public mutating func append(_ stage: consuming Stage) {
            if case .none = first {
                first = stage
            } else {
                later.append(stage)
            }
        }

        /// Encoded as a plain list, as `[Stage]` was.
        public init(from decoder: any Decoder) throws { self.init(try [Stage](from: decoder)) }

        public func encode(to encoder: any Encoder) throws { try Array(self).encode(to: encoder) }
    }
}
