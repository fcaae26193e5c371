extension ExtendibleHashMap {
    /// 2^depth slots, each referring to the bucket for the hashes whose top `depth` bits are the slot's
    /// number. A bucket of local depth `d` holds every hash sharing its top `d` bits, so it fills
    /// 2^(depth - d) neighbouring slots.
    ///
    /// The slots are unowned references; the directory owns one reference to each bucket, taken when
    /// the bucket enters it and given back when it leaves or the directory goes. So a bucket's
    /// reference count is the number of directories holding it, and one is what
    /// `isKnownUniquelyReferenced` expects of a bucket this directory alone holds, however many slots
    /// it fills.
    final class Directory {
        /// Never below 1: a slot is the hash shifted right by `64 - depth`, and a shift by 64 would keep
        /// every bit.
        private(set) var depth = 1
        private var slots: UnsafeMutablePointer<Unmanaged<Bucket>>
        private var bucketCount = 1

        /// A bucket's capacity until the directory stops doubling for it.
        static var bucketCapacity: Int { 32 }

        init() {
            let bucket = Unmanaged.passRetained(Bucket.make(capacity: Self.bucketCapacity, depth: 0))
            slots = .allocate(capacity: 2)
            slots.initialize(repeating: bucket, count: 2)
        }

        private init(copying other: Directory) {
            depth = other.depth
            bucketCount = other.bucketCount
            slots = .allocate(capacity: other.slotCount)
            slots.initialize(from: other.slots, count: other.slotCount)
            forEachBucket { _, bucket in _ = bucket.retain() }
        }

        deinit {
            forEachBucket { _, bucket in bucket.release() }
            slots.deallocate()
        }

        /// A directory with the same buckets, each now held by both.
        func copy() -> Directory { Directory(copying: self) }

        var slotCount: Int { 1 << depth }

        func slot(for hash: Int) -> Int { Int(truncatingIfNeeded: UInt(bitPattern: hash) &>> UInt(64 - depth)) }

        /// The bucket for `hash`; valid while this directory is and is not changed.
        func bucket(for hash: Int) -> Unmanaged<Bucket> { slots[slot(for: hash)] }

        func bucket(at slot: Int) -> Unmanaged<Bucket> { slots[slot] }

        /// How many slots `bucket` fills.
        func span(of bucket: Bucket) -> Int { 1 << (depth - bucket.depth) }

        /// Calls `body` with each bucket once, in slot order, with the first slot it fills.
        func forEachBucket(_ body: (Int, Unmanaged<Bucket>) throws -> Void) rethrows {
            var slot = 0
            while slot < slotCount {
                let bucket = slots[slot]
                // Read before `body`, which may give the bucket up.
                let span = bucket._withUnsafeGuaranteedRef(span(of:))
                try body(slot, bucket)
                slot += span
            }
        }

        /// The bucket at `slot`, first copied if another directory holds it too, so that the caller may
        /// change it. Only for a directory its map holds alone.
        func uniqueBucket(at slot: Int) -> Unmanaged<Bucket> {
            guard !isUnique(slot) else { return slots[slot] }
            let shared = slots[slot]
            let copy = shared._withUnsafeGuaranteedRef { $0.copy(capacity: $0.entryCapacity, moving: false) }
            return replace(shared, at: slot, with: copy)
        }

        /// Makes room in the full bucket at `slot`: splits it by the next bit of its hashes (doubling
        /// the directory first if the bucket fills one slot), or, when the hashes have so many top bits
        /// in common that splitting would grow the directory out of proportion (only keys chosen to
        /// collide do that), doubles the bucket's capacity instead. Only for a directory its map holds
        /// alone.
        func makeRoom(at slot: Int) {
            let bucket = slots[slot]
            let (capacity, localDepth) = bucket._withUnsafeGuaranteedRef { ($0.entryCapacity, $0.depth) }
            if localDepth == depth {
                guard slotCount < 16 * bucketCount + 1024 else {
                    let unique = isUnique(slot)
                    let bigger = bucket._withUnsafeGuaranteedRef { $0.copy(capacity: 2 * capacity, moving: unique) }
                    _ = replace(bucket, at: slot, with: bigger)
                    return
                }
                double()
                return makeRoom(at: slot << 1)
            }
            let unique = isUnique(slot)
            let (low, high) = bucket._withUnsafeGuaranteedRef { $0.split(moving: unique) }
            let span = 1 << (depth - localDepth)
            let first = slot & ~(span - 1)
            let lowOwned = Unmanaged.passRetained(low)
            let highOwned = Unmanaged.passRetained(high)
            (slots + first).update(repeating: lowOwned, count: span / 2)
            (slots + first + span / 2).update(repeating: highOwned, count: span / 2)
            bucket.release()
            bucketCount += 1
        }

        /// Whether this directory alone holds the bucket at `slot`: its one reference is the only one.
        private func isUnique(_ slot: Int) -> Bool {
            // The slot's memory read as a strong reference, in place: no retain, so the count is the
            // number of directories holding the bucket.
            (slots + slot).withMemoryRebound(to: Bucket.self, capacity: 1) {
                isKnownUniquelyReferenced(&$0.pointee)
            }
        }

        /// Puts `replacement` in every slot `old` fills, gives back the directory's reference to `old`,
        /// and answers the replacement (now held by the directory).
        private func replace(_ old: Unmanaged<Bucket>, at slot: Int, with replacement: Bucket) -> Unmanaged<Bucket> {
            let span = old._withUnsafeGuaranteedRef(span(of:))
            let owned = Unmanaged.passRetained(replacement)
            (slots + (slot & ~(span - 1))).update(repeating: owned, count: span)
            old.release()
            return owned
        }

        /// What is wrong with the directory's shape, if anything (for tests): every bucket must fill
        /// exactly the aligned run of slots its depth gives it, and hold only hashes that lead there.
        func problems() -> [String] {
            var problems: [String] = []
            var total = 0
            forEachBucket { first, unmanaged in
                unmanaged._withUnsafeGuaranteedRef { bucket in
                    let span = span(of: bucket)
                    if first % span != 0 { problems.append("bucket at \(first) spans \(span) slots unaligned") }
                    for slot in first..<(first + span) where slots[slot].toOpaque() != unmanaged.toOpaque() {
                        problems.append("slot \(slot) is not the bucket at \(first)")
                    }
                    bucket.forEachHash { hash, tagAgrees in
                        if !tagAgrees { problems.append("a stale tag in bucket at \(first)") }
                        let home = self.slot(for: hash)
                        if !(first..<(first + span)).contains(home) {
                            problems.append("hash of slot \(home) in bucket at \(first)")
                        }
                    }
                    total += 1
                }
            }
            if total != bucketCount { problems.append("\(total) buckets, counted \(bucketCount)") }
            return problems
        }

        /// Twice the slots, each bucket filling twice as many: slot `s` becomes `2s` and `2s + 1`.
        private func double() {
            let doubled = UnsafeMutablePointer<Unmanaged<Bucket>>.allocate(capacity: 2 * slotCount)
            for slot in 0..<slotCount {
                (doubled + 2 * slot).initialize(repeating: slots[slot], count: 2)
            }
            slots.deallocate()
            slots = doubled
            depth += 1
        }
    }
}
