import HashTreeCollections

/// One pool's fairness ledger: each member's standing, by dense rep index.
///
/// Keys hash by one multiplication instead of SipHash: weighted strategies read every eligible
/// member's entry on every pick (a hundred lookups for a hundred-rep pool), and the keys are small
/// indexes the engine hands out itself, not input anyone could choose to collide.
public struct Ledger: Hashable, Sendable, Sequence {
    struct Key: Hashable, Sendable {
        let index: Int32

        func hash(into hasher: inout Hasher) { hasher.combine(index) }

        /// What the persistent map reads, five bits per level: a bijection of the index, so dense
        /// indexes fill its nodes evenly.
        func _rawHashValue(seed: Int) -> Int { Int(index) &* -7_046_029_254_386_353_131 }
    }

    private var entries: TreeDictionary<Key, LedgerEntry> = [:]

    public init() {}

    public subscript(rep: Int32) -> LedgerEntry? {
        get { entries[Key(index: rep)] }
        set { entries[Key(index: rep)] = newValue }
    }

    subscript(rep: Int32, default fallback: LedgerEntry) -> LedgerEntry {
        get { entries[Key(index: rep), default: fallback] }
        _modify { yield &entries[Key(index: rep), default: fallback] }
    }

    public func makeIterator() -> some IteratorProtocol<(key: Int32, value: LedgerEntry)> {
        entries.lazy.map { (key: $0.key.index, value: $0.value) }.makeIterator()
    }
}
