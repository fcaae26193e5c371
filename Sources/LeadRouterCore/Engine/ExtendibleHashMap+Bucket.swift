extension ExtendibleHashMap {
    /// Up to `capacity` entries in one allocation: their hashes first, together (a lookup compares
    /// 8-byte words in a few neighbouring cache lines and reads a key only when its hash matches), then
    /// the entries, in the order they came (a removal moves the last entry into the gap).
    final class Bucket: ManagedBuffer<Bucket.Header, UInt64> {
        struct Header {
            var count: Int
            let capacity: Int
            /// How many top bits of its keys' hashes every key here shares.
            let depth: Int
        }

        struct Entry {
            let key: Key
            var value: Value
        }

        var count: Int { header.count }
        var slotsCapacity: Int { header.capacity }
        var depth: Int { header.depth }

        static func make(capacity: Int, depth: Int) -> Bucket {
            assert(MemoryLayout<Entry>.alignment <= MemoryLayout<UInt64>.alignment)
            let words = capacity + (MemoryLayout<Entry>.stride * capacity + 7) / 8
            let bucket = unsafeDowncast(
                create(minimumCapacity: words) { _ in Header(count: 0, capacity: capacity, depth: depth) },
                to: Bucket.self)
            bucket.withUnsafeMutablePointerToElements { words in
                _ = UnsafeMutableRawPointer(words + capacity).bindMemory(to: Entry.self, capacity: capacity)
            }
            return bucket
        }

        /// The hashes and entries, and how many are in use.
        private func withStorage<Result>(
            _ body: (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<Entry>, inout Int) throws -> Result
        ) rethrows -> Result {
            try withUnsafeMutablePointers { header, words in
                let entries = UnsafeMutableRawPointer(words + header.pointee.capacity).assumingMemoryBound(
                    to: Entry.self)
                return try body(words, entries, &header.pointee.count)
            }
        }

        func firstIndex(of key: Key, hash: Int) -> Int? {
            let wanted = UInt64(UInt(bitPattern: hash))
            return withStorage { hashes, entries, count in
                for index in 0..<count where hashes[index] == wanted && entries[index].key == key { return index }
                return nil
            }
        }

        func value(at index: Int) -> Value { withStorage { _, entries, _ in entries[index].value } }

        func entry(at index: Int) -> (key: Key, value: Value) {
            withStorage { _, entries, _ in (entries[index].key, entries[index].value) }
        }

        func forEach(_ body: (borrowing Key, borrowing Value) throws -> Void) rethrows {
            try forEach(in: 0..<count, body)
        }

        func forEach(in indices: Range<Int>, _ body: (borrowing Key, borrowing Value) throws -> Void) rethrows {
            try withStorage { _, entries, _ in
                for index in indices { try body(entries[index].key, entries[index].value) }
            }
        }

        func forEachHash(_ body: (UInt64) -> Void) {
            withStorage { hashes, _, count in
                for index in 0..<count { body(hashes[index]) }
            }
        }

        /// Only for a bucket with room, held by one directory alone.
        func append(_ key: Key, hash: Int, _ value: Value) {
            withStorage { hashes, entries, count in
                hashes[count] = UInt64(UInt(bitPattern: hash))
                (entries + count).initialize(to: Entry(key: key, value: value))
                count += 1
            }
        }

        /// Only for a bucket held by one directory alone.
        func exchangeValue(at index: Int, _ value: Value) -> Value {
            withStorage { _, entries, _ in
                var value = value
                swap(&entries[index].value, &value)
                return value
            }
        }

        /// Only for a bucket held by one directory alone.
        func remove(at index: Int) -> Value {
            withStorage { hashes, entries, count in
                let removed = (entries + index).move()
                count -= 1
                if index != count {
                    hashes[index] = hashes[count]
                    (entries + index).moveInitialize(from: entries + count, count: 1)
                }
                return removed.value
            }
        }

        /// A bucket with the same entries (each retained once more).
        func copy(capacity: Int, depth: Int) -> Bucket { rebuilt(capacity: capacity, depth: depth, moving: false) }

        /// A bucket with these entries, moved out of this one (which is left empty): only for a bucket
        /// held by one directory alone, which is about to give it up.
        func moving(capacity: Int, depth: Int) -> Bucket { rebuilt(capacity: capacity, depth: depth, moving: true) }

        /// Two buckets one level deeper: the entries whose next hash bit is 0, and those whose bit is 1.
        /// `moving`: as in ``moving(capacity:depth:)``; otherwise the entries are copied.
        func split(moving: Bool) -> (Bucket, Bucket) {
            let bit = UInt64(63 - depth)
            let halves = [0, 1].map { _ in Bucket.make(capacity: slotsCapacity, depth: depth + 1) }
            withStorage { hashes, entries, count in
                for index in 0..<count {
                    halves[Int((hashes[index] >> bit) & 1)].take(entries + index, hash: hashes[index], moving: moving)
                }
                if moving { count = 0 }
            }
            return (halves[0], halves[1])
        }

        private func rebuilt(capacity: Int, depth: Int, moving: Bool) -> Bucket {
            let bucket = Bucket.make(capacity: capacity, depth: depth)
            withStorage { hashes, entries, count in
                for index in 0..<count { bucket.take(entries + index, hash: hashes[index], moving: moving) }
                if moving { count = 0 }
            }
            return bucket
        }

        /// Appends the entry at `source`, moved or copied.
        private func take(_ source: UnsafeMutablePointer<Entry>, hash: UInt64, moving: Bool) {
            withStorage { hashes, entries, count in
                hashes[count] = hash
                if moving {
                    (entries + count).moveInitialize(from: source, count: 1)
                } else {
                    (entries + count).initialize(to: source.pointee)
                }
                count += 1
            }
        }

        deinit {
            withStorage { _, entries, count in _ = entries.deinitialize(count: count) }
        }
    }
}
