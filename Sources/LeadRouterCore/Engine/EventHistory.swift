import Atomics

/// The most recent events in a fixed ring, readable by any thread without locks.
///
/// Slot `seq % capacity` holds (a box around) the commit that emitted event `seq`. A writer publishes
/// a commit's box into each of its events' slots with a releasing store; a reader's acquiring load
/// either sees a complete commit or an older one, and checks the sequence numbers to tell which.
/// Writers of different sequence numbers never share a slot until the ring wraps.
///
/// A box holds the commit's own event array (one retain), not a copy of each event: copying an
/// offer into a box of its own retained each of its fields, and freeing it when the ring came round
/// released each again.
///
/// The slots are one contiguous allocation of atomic references, eight to a cache line, written in
/// order: a `ManagedAtomic` per slot was an object of its own, and each publish first missed the cache
/// on the slot object written 65,536 events before.
final class EventHistory: @unchecked Sendable {
    final class Box: AtomicReference, Sendable {
        /// Consecutive events, never more than the ring holds.
        let events: [EngineEvent]
        init(_ events: [EngineEvent]) { self.events = events }

        /// The event of this commit that lives in the slot of `seq`: the one whose number equals
        /// `seq` modulo the ring's size (at most one, since a box holds no more events than slots).
        func event(inSlotOf seq: UInt64, mask: UInt64) -> EngineEvent? {
            let first = events[0].seq
            let offset = (seq &- first) & mask
            return offset < UInt64(events.count) ? events[Int(offset)] : nil
        }
    }

    /// `@unchecked Sendable`: every access to `storage` after `init` is through `UnsafeAtomic`.
    private let storage: UnsafeMutablePointer<UnsafeAtomic<Box?>.Storage>
    private let size: Int
    private let mask: UInt64
    /// The last event of the state the engine started from: earlier events were never in this ring.
    let base: UInt64

    init(capacity: Int, base: UInt64) {
        self.base = base
        var size = 1
        while size < max(capacity, 2) { size <<= 1 }
        storage = .allocate(capacity: size)
        storage.initialize(repeating: .init(nil), count: size)
        self.size = size
        mask = UInt64(size - 1)
    }

    deinit {
        for index in 0..<size { _ = storage[index].dispose() }
        storage.deinitialize(count: size)
        storage.deallocate()
    }

    var capacity: Int { size }

    private func slot(_ seq: UInt64) -> UnsafeAtomic<Box?> { UnsafeAtomic(at: storage + Int(seq & mask)) }

    /// Publishes one commit's events, which are consecutive.
    func publish(_ events: [EngineEvent]) {
        guard !events.isEmpty else { return }
        // A commit larger than the ring keeps only what fits, as publishing every event would.
        let box = Box(events.count <= size ? events : Array(events.suffix(size)))
        // By number: iterating the events would copy each one out.
        let first = box.events[0].seq
        for seq in first..<first + UInt64(box.events.count) {
            slot(seq).store(box, ordering: .releasing)
        }
    }

    /// Events after `seq`, in order, up to `limit`; stops early at an event not yet published.
    /// `nil` when `seq + 1` has already been overwritten (the caller must read older history elsewhere).
    func events(after seq: UInt64, limit: Int) -> [EngineEvent]? {
        if seq < base { return nil }
        var result: [EngineEvent] = []
        var next = seq + 1
        while result.count < limit {
            guard let box = slot(next).load(ordering: .acquiring),
                let event = box.event(inSlotOf: next, mask: mask)
            else { break }
            if event.seq > next { return result.isEmpty ? nil : result }
            if event.seq < next { break }
            result.append(event)
            next += 1
        }
        return result
    }
}
