extension ExtendibleHashMap {
    /// Up to `capacity` entries in one allocation: a one-byte tag per entry first (a lookup compares
    /// eight tags at a time, all of them in the bucket's first cache line, and reads an entry only when
    /// its tag matches: one time in 128 for a key that is not there), then the entries, in the order they
    /// came (a removal moves the last entry into the gap).
    final class Bucket: ManagedBuffer<Bucket.Header, UInt64> {
        struct Header {
            var count: UInt32
            /// A multiple of 8, so that tags fill whole words.
            let capacity: UInt32
            /// How many top bits of its keys' hashes every key here shares.
            let depth: UInt8
        }

        struct Entry {
            let key: Key
            var value: Value
        }

        var count: Int { Int(header.count) }
        var entryCapacity: Int { Int(header.capacity) }
        var depth: Int { Int(header.depth) }

        /// A hash's tag: seven of its low bits (the directory reads the top ones) with the high bit set,
        /// so that a tag is never 0, which is what an unused tag byte holds.
        static func tag(_ hash: Int) -> UInt8 { UInt8(truncatingIfNeeded: hash) | 0x80 }

        static func make(capacity: Int, depth: Int) -> Bucket {
            assert(capacity % 8 == 0 && MemoryLayout<Entry>.alignment <= MemoryLayout<UInt64>.alignment)
            let tagWords = capacity / 8
            let words = tagWords + (MemoryLayout<Entry>.stride * capacity + 7) / 8
            let bucket = unsafeDowncast(
                create(minimumCapacity: words) { _ in
                    Header(count: 0, capacity: UInt32(capacity), depth: UInt8(depth))
                },
                to: Bucket.self)
            bucket.withUnsafeMutablePointerToElements { words in
                words.initialize(repeating: 0, count: tagWords)
                _ = UnsafeMutableRawPointer(words + tagWords).bindMemory(to: Entry.self, capacity: capacity)
            }
            return bucket
        }

        /// The tags (as words, eight to a word, the first in the low byte), the entries, and how many
        /// are in use, for reading. Nothing is written, so any number of threads may read a bucket that
        /// nobody changes: a published state's buckets are read by the event loops and a snapshot's
        /// encoders at once (writing the count back, even unchanged, raced with them).
        private func withStorage<Result>(
            _ body: (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<Entry>, Int) throws -> Result
        ) rethrows -> Result {
            try withUnsafeMutablePointers { header, words in
                try body(words, Self.entries(after: words, header), Int(header.pointee.count))
            }
        }

        /// The same, for changing a bucket that one directory alone holds; the count is written back.
        private func withMutableStorage<Result>(
            _ body: (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<Entry>, inout Int) throws -> Result
        ) rethrows -> Result {
            try withUnsafeMutablePointers { header, words in
                var count = Int(header.pointee.count)
                defer { header.pointee.count = UInt32(count) }
                return try body(words, Self.entries(after: words, header), &count)
            }
        }

        private static func entries(
            after words: UnsafeMutablePointer<UInt64>, _ header: UnsafeMutablePointer<Header>
        ) -> UnsafeMutablePointer<Entry> {
            UnsafeMutableRawPointer(words + Int(header.pointee.capacity) / 8).assumingMemoryBound(to: Entry.self)
        }

        private static func setTag(_ tag: UInt8, at index: Int, in tags: UnsafeMutablePointer<UInt64>) {
            UnsafeMutableRawPointer(tags).storeBytes(of: tag, toByteOffset: index, as: UInt8.self)
        }

        private static func tag(at index: Int, in tags: UnsafeMutablePointer<UInt64>) -> UInt8 {
            UnsafeRawPointer(tags).load(fromByteOffset: index, as: UInt8.self)
        }

        func firstIndex(of key: Key, hash: Int) -> Int? {
            // Each byte of `word ^ wanted` is 0 where the tag matches; the classic test for a zero byte
            // marks it (and, after a real zero, possibly a byte holding 1 too: the key comparison
            // settles those). Unused tags are 0 and never match, since a tag always has its high bit.
            let wanted = UInt64(Self.tag(hash)) &* 0x0101_0101_0101_0101
            return withStorage { tags, entries, count in
                for word in 0..<(count + 7) / 8 {
                    let difference = tags[word] ^ wanted
                    var matches = (difference &- 0x0101_0101_0101_0101) & ~difference & 0x8080_8080_8080_8080
                    while matches != 0 {
                        let index = word * 8 + matches.trailingZeroBitCount / 8
                        if entries[index].key == key { return index }
                        matches &= matches &- 1
                    }
                }
                return nil
            }
        }

        /// `body` of the last entry's key; nil when the bucket is empty.
        func withLastKey<Result>(_ body: (borrowing Key) -> Result) -> Result? {
            withStorage { _, entries, count in count == 0 ? nil : body(entries[count - 1].key) }
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

        /// Each entry's hash and whether its tag agrees (for tests).
        func forEachHash(_ body: (Int, Bool) -> Void) {
            withStorage { tags, entries, count in
                for index in 0..<count {
                    let hash = entries[index].key.hashValue
                    body(hash, Self.tag(at: index, in: tags) == Self.tag(hash))
                }
            }
        }

        /// Only for a bucket with room, held by one directory alone.
        func append(_ key: Key, hash: Int, _ value: Value) {
            withMutableStorage { tags, entries, count in
                Self.setTag(Self.tag(hash), at: count, in: tags)
                (entries + count).initialize(to: Entry(key: key, value: value))
                count += 1
            }
        }

        /// Only for a bucket held by one directory alone.
        func exchangeValue(at index: Int, _ value: Value) -> Value {
            withMutableStorage { _, entries, _ in
                var value = value
                swap(&entries[index].value, &value)
                return value
            }
        }

        /// Only for a bucket held by one directory alone.
        func remove(at index: Int) -> Value {
            withMutableStorage { tags, entries, count in
                let removed = (entries + index).move()
                count -= 1
                if index != count {
                    Self.setTag(Self.tag(at: count, in: tags), at: index, in: tags)
                    (entries + index).moveInitialize(from: entries + count, count: 1)
                }
                Self.setTag(0, at: count, in: tags)
                return removed.value
            }
        }

        /// A bucket of this depth with these entries and room for `capacity`: copied (each retained
        /// once more), or, when `moving`, moved out of this one, which is left empty (only for a bucket
        /// held by one directory alone, which is about to give it up).
        func copy(capacity: Int, moving: Bool) -> Bucket {
            let bucket = Bucket.make(capacity: capacity, depth: depth)
            withStorage { tags, entries, count in
                for index in 0..<count {
                    bucket.take(entries + index, tag: Self.tag(at: index, in: tags), moving: moving)
                }
            }
            if moving { emptied() }
            return bucket
        }

        /// Two buckets one level deeper: the entries whose next hash bit is 0, and those whose bit is 1.
        /// `moving`: as in ``copy(capacity:moving:)``.
        func split(moving: Bool) -> (Bucket, Bucket) {
            let bit = UInt(63 - depth)
            let low = Bucket.make(capacity: entryCapacity, depth: depth + 1)
            let high = Bucket.make(capacity: entryCapacity, depth: depth + 1)
            withStorage { tags, entries, count in
                for index in 0..<count {
                    let hash = entries[index].key.hashValue
                    let half = (UInt(bitPattern: hash) >> bit) & 1 == 0 ? low : high
                    half.take(entries + index, tag: Self.tag(at: index, in: tags), moving: moving)
                }
            }
            if moving { emptied() }
            return (low, high)
        }

        /// After its entries were moved out: nothing is left to release.
        private func emptied() {
            withMutableStorage { _, _, count in count = 0 }
        }

        /// Appends the entry at `source`, moved or copied.
        private func take(_ source: UnsafeMutablePointer<Entry>, tag: UInt8, moving: Bool) {
            withMutableStorage { tags, entries, count in
                Self.setTag(tag, at: count, in: tags)
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
