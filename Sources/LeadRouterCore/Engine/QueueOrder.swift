import HashTreeCollections
import HeapModule

/// Waiting leads in dispatch order (priority, then age, then sequence), best taken first.
///
/// Dispatch used to sort the whole queue every time a rep came free: with 50,000 leads waiting, each
/// completion spent 17 ms in the sequencer. A heap takes the best in `O(log n)`.
///
/// Derived from ``EngineState/queue``, which stays the truth: a lead that leaves the queue any other
/// way keeps its heap entry until that entry comes up and is found stale (its lead gone, or queued
/// again under a later sequence number). When stale entries outnumber live ones the heap is rebuilt
/// from the queue, so it never holds more than about twice the queue.
struct QueueOrder: Sendable {
    private struct Key: Comparable, Sendable {
        let entry: QueueEntry
        /// The heap's minimum is the lead to dispatch first.
        static func < (lhs: Key, rhs: Key) -> Bool { QueueEntry.comesBefore(lhs.entry, rhs.entry) }
        /// Sequence numbers are unique per queueing, so they identify the entry.
        static func == (lhs: Key, rhs: Key) -> Bool { lhs.entry.seq == rhs.entry.seq }
    }

    private var heap = Heap<Key>()

    /// Files an entry just put in the queue.
    mutating func insert(_ entry: QueueEntry, queue: TreeDictionary<LeadID, QueueEntry>) {
        heap.insert(Key(entry: entry))
        if heap.count > 2 * queue.count + 64 { rebuild(from: queue) }
    }

    /// Removes and answers the best entry still waiting in `queue`.
    mutating func popBest(in queue: TreeDictionary<LeadID, QueueEntry>) -> QueueEntry? {
        while let key = heap.popMin() {
            if let live = queue[key.entry.lead], live.seq == key.entry.seq { return live }
        }
        return nil
    }

    /// Puts back an entry taken with ``popBest(in:)`` that is still waiting.
    mutating func putBack(_ entry: QueueEntry) { heap.insert(Key(entry: entry)) }

    mutating func rebuild(from queue: TreeDictionary<LeadID, QueueEntry>) {
        heap = Heap(queue.values.map { Key(entry: $0) })
    }
}
