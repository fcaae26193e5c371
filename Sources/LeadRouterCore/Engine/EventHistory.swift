import Atomics

/// The most recent events in a fixed ring, readable by any thread without locks.
///
/// Slot `seq % capacity` holds event `seq`. A writer publishes a boxed event with a releasing store; a
/// reader's acquiring load either sees the complete event or an older one, and checks the sequence
/// number to tell which. Writers of different sequence numbers never share a slot until the ring wraps.
///
/// The slots are one contiguous allocation of atomic references, eight to a cache line, written in
/// order: a `ManagedAtomic` per slot was an object of its own, and each publish first missed the cache
/// on the slot object written 65,536 events before.
final class EventHistory: @unchecked Sendable {
    final class Box: AtomicReference, Sendable {
        let event: EngineEvent
        init(_ event: EngineEvent) { self.event = event }
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

    func publish(_ events: [EngineEvent]) {
        for event in events {
            slot(event.seq).store(Box(event), ordering: .releasing)
        }
    }

    /// Events after `seq`, in order, up to `limit`; stops early at an event not yet published.
    /// `nil` when `seq + 1` has already been overwritten (the caller must read older history elsewhere).
    func events(after seq: UInt64, limit: Int) -> [EngineEvent]? {
        if seq < base { return nil }
        var result: [EngineEvent] = []
        var next = seq + 1
        while result.count < limit {
            guard let box = slot(next).load(ordering: .acquiring) else { break }
            if box.event.seq > next { return result.isEmpty ? nil : result }
            if box.event.seq < next { break }
            result.append(box.event)
            next += 1
        }
        return result
    }
}
