/// A persistent hash map for one writer that changes it in place and readers that keep copies:
/// extendible hashing, a directory of 2^depth bucket references indexed by the top bits of a key's
/// hash, over buckets of up to 32 entries.
///
/// Why not swift-collections' `TreeDictionary` (a hash array mapped trie), which the assignment table
/// used before: with a few hundred thousand keys, finding a new key absent walks four nodes, the lower
/// ones out of cache, and inserting it reallocates a node one time in five. Here a lookup reads the
/// directory (a few hundred kilobytes, mostly cached) and one bucket; an insert writes into the
/// bucket's spare room, and a full bucket splits in two (PERFORMANCE item 97).
///
/// Copies share everything: a copy is one reference to the directory. A change first copies the
/// directory (retaining each bucket once) if another copy still holds it, then the bucket it changes
/// if another directory still holds that. So after a snapshot is published the writer copies the
/// directory once and each bucket it touches once, as path copying would, and the published copy
/// never changes.
///
/// `@unchecked Sendable`: a directory or bucket is changed only by the map that holds it alone
/// (checked with `isKnownUniquelyReferenced`), so whatever another thread can reach never changes.
struct ExtendibleHashMap<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private var directory = Directory()
    private(set) var count = 0

    init() {}

    var isEmpty: Bool { count == 0 }

    subscript(key: Key) -> Value? {
        let hash = key.hashValue
        return directory.bucket(for: hash)._withUnsafeGuaranteedRef { bucket in
            bucket.firstIndex(of: key, hash: hash).map { bucket.value(at: $0) }
        }
    }

    /// Brings the first cache line of each key's bucket (its count and tags, all a lookup of an absent
    /// key reads) into cache, the loads independent of each other, so that many misses are in flight
    /// at once; the lookups that follow find their buckets cached. A lookup alone runs a hundred
    /// instructions or so, which left room in the processor for only two or three misses at a time.
    func prefetchBuckets(_ hashes: some Sequence<Int>) {
        var counts: UInt32 = 0
        for hash in hashes {
            counts &+= directory.bucket(for: hash)._withUnsafeGuaranteedRef { $0.header.count }
        }
        keep(counts)
    }

    /// Reads `probe` of the last entry in each hash's bucket, to bring the memory around it into cache:
    /// the next insert there writes the entry after it, whose cache line is usually that one or the
    /// next (which the processor fetches in pairs). An insert that missed it stalled at the first
    /// atomic instruction after it, a reference count, about 100 ns per route at 8 x 16.
    func prefetchInsertSlots(_ hashes: some Sequence<Int>, probe: (borrowing Key) -> Int) {
        var probes = 0
        for hash in hashes {
            probes &+= directory.bucket(for: hash)._withUnsafeGuaranteedRef { $0.withLastKey(probe) } ?? 0
        }
        keep(UInt32(truncatingIfNeeded: probes))
    }

    /// Stores `value` under `key`; answers the value it replaced.
    @discardableResult
    mutating func updateValue(_ value: Value, forKey key: Key) -> Value? {
        let hash = key.hashValue
        makeDirectoryUnique()
        while true {
            let slot = directory.slot(for: hash)
            let replaced = directory.uniqueBucket(at: slot)._withUnsafeGuaranteedRef { bucket -> Value?? in
                if let index = bucket.firstIndex(of: key, hash: hash) {
                    return .some(bucket.exchangeValue(at: index, value))
                }
                guard bucket.count < bucket.entryCapacity else { return nil }
                bucket.append(key, hash: hash, value)
                return .some(nil)
            }
            if let replaced {
                if replaced == nil { count += 1 }
                return replaced
            }
            directory.makeRoom(at: slot)
        }
    }

    /// Removes `key`; answers its value.
    @discardableResult
    mutating func removeValue(forKey key: Key) -> Value? {
        let hash = key.hashValue
        let found = directory.bucket(for: hash)._withUnsafeGuaranteedRef { $0.firstIndex(of: key, hash: hash) }
        guard let index = found else { return nil }
        makeDirectoryUnique()
        count -= 1
        // A copy keeps its entries' order, so the index still holds.
        return directory.uniqueBucket(at: directory.slot(for: hash))._withUnsafeGuaranteedRef { $0.remove(at: index) }
    }

    /// Calls `body` with every entry in place, in slot order.
    func forEach(_ body: (borrowing Key, borrowing Value) throws -> Void) rethrows {
        try directory.forEachBucket { _, bucket in
            try bucket._withUnsafeGuaranteedRef { try $0.forEach(body) }
        }
    }

    /// ``forEach(_:)`` over the entries at `positions` in iteration order only. With a `probe`, each
    /// bucket's values are first probed one after another (the probes independent of each other, so
    /// that their cache misses overlap) and then handed to `body`, which finds what the probe read
    /// in cache: values that refer to memory elsewhere, as a snapshot's boxes do, otherwise cost `body`
    /// a miss or more each, one at a time.
    func forEach(
        at positions: Range<Int>, probe: ((borrowing Value) -> Int)? = nil,
        _ body: (borrowing Key, borrowing Value) throws -> Void
    ) rethrows {
        var start = 0
        var probes = 0
        try directory.forEachBucket { _, bucket in
            try bucket._withUnsafeGuaranteedRef { bucket in
                let end = start + bucket.count
                defer { start = end }
                let wanted = positions.clamped(to: start..<end)
                guard !wanted.isEmpty else { return }
                let indices = (wanted.lowerBound - start)..<(wanted.upperBound - start)
                if let probe { bucket.forEach(in: indices) { _, value in probes &+= probe(value) } }
                try bucket.forEach(in: indices, body)
            }
        }
        keep(UInt32(truncatingIfNeeded: probes))
    }

    /// What is wrong with the map's shape, if anything (for tests).
    func problems() -> [String] {
        var entries = 0
        forEach { _, _ in entries += 1 }
        return directory.problems() + (entries == count ? [] : ["\(entries) entries, counted \(count)"])
    }

    private mutating func makeDirectoryUnique() {
        if !isKnownUniquelyReferenced(&directory) { directory = directory.copy() }
    }
}

extension ExtendibleHashMap: Sequence {
    struct Iterator: IteratorProtocol {
        fileprivate let directory: Directory
        fileprivate var slot = 0
        fileprivate var index = 0

        mutating func next() -> (key: Key, value: Value)? {
            while slot < directory.slotCount {
                let entry = directory.bucket(at: slot)._withUnsafeGuaranteedRef { bucket -> (key: Key, value: Value)? in
                    guard index < bucket.count else {
                        slot += directory.span(of: bucket)
                        index = 0
                        return nil
                    }
                    index += 1
                    return bucket.entry(at: index - 1)
                }
                if let entry { return entry }
            }
            return nil
        }
    }

    func makeIterator() -> Iterator { Iterator(directory: directory) }
    var underestimatedCount: Int { count }
}

extension ExtendibleHashMap: Equatable where Value: Equatable {
    static func == (lhs: Self, rhs: Self) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.directory === rhs.directory { return true }
        return lhs.allSatisfy { rhs[$0.key] == $0.value }
    }
}

/// Takes a value the optimizer must not prove unused, so the loads that made it stay.
@_optimize(none) private func keep(_ value: UInt32) {}
