import Foundation
import LeadRouterCore

/// The journal's events after a sequence number, read and decoded on a thread of its own while the
/// caller applies those before them.
///
/// Recovery replays up to a snapshot's worth of events (a million after a spell of growth), and
/// reading and decoding them was half of replaying: on one thread an event cost about 4.5 µs, while
/// the other core sat idle at start-up.
final class JournalReadAhead: @unchecked Sendable {
    /// One event, or why it could not be decoded.
    struct Decoded {
        let seq: UInt64
        let event: Result<EngineEvent, any Error>
    }

    /// Batches decoded and not yet taken, at most this many: enough to keep the applier busy while
    /// the next one is decoded, without holding the whole journal in memory.
    private static let ahead = 2

    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var ready: [[Decoded]] = []
    /// Why reading the journal failed, handed to the caller after the batches read before.
    private var failure: (any Error)?
    /// The reader has returned: the store is the caller's alone again.
    private var finished = false
    /// The caller wants no more (replay ended early).
    private var stopping = false

    /// Starts reading the events after `seq`, `batchSize` at a time.
    init(_ store: JournalStore, after seq: UInt64, batchSize: Int = 10_000) {
        StorageThread.start(named: "lr-replay") { [self] in read(store, after: seq, batchSize: batchSize) }
    }

    /// The next batch of events in journal order; `nil` once the journal is exhausted (the reader has
    /// then returned). Rethrows what reading the journal threw.
    func next() throws -> [Decoded]? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished { condition.wait() }
        if !ready.isEmpty {
            condition.broadcast()
            return ready.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    /// Ends reading early and waits until the reader has returned.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
    }

    private func read(_ store: JournalStore, after seq: UInt64, batchSize: Int) {
        var next = seq
        do {
            while true {
                let rows = try store.rows(after: next, limit: batchSize)
                guard let last = rows.last else { break }
                next = last.seq
                let batch = rows.map { row in
                    Decoded(seq: row.seq, event: Result { try EventCodec.decodeEvent(row.body) })
                }
                guard hand(batch) else { break }
            }
        } catch {
            condition.lock()
            failure = error
            condition.unlock()
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Queues a batch once there is room; `false` if the caller stopped instead.
    private func hand(_ batch: [Decoded]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= Self.ahead && !stopping { condition.wait() }
        guard !stopping else { return false }
        ready.append(batch)
        condition.broadcast()
        return true
    }
}
