import Foundation
import LeadRouterCore
import Logging

/// Rebuilds the engine state at start: newest valid snapshot, then the journal after it.
public enum Recovery {
    public struct Outcome: Sendable {
        public var state: EngineState
        public var snapshotSeq: UInt64
        public var replayedEvents: Int
        public var warnings: [String]

        public init(state: EngineState, snapshotSeq: UInt64, replayedEvents: Int, warnings: [String]) {
            self.state = state
            self.snapshotSeq = snapshotSeq
            self.replayedEvents = replayedEvents
            self.warnings = warnings
        }
    }

    /// - Parameter truncating: cut a journal tail that cannot be recovered (a gap or a damaged
    ///   event), as a server does at start; `false` (a check) only warns and changes nothing.
    public static func recover(_ store: JournalStore, logger: Logger, truncating: Bool = true) throws -> Outcome {
        try recover(store, logger: logger, replayBatch: 10_000, truncating: truncating)
    }

    /// `replayBatch`: events read and decoded at a time, ahead of applying them.
    static func recover(_ store: JournalStore, logger: Logger, replayBatch: Int, truncating: Bool = true) throws
        -> Outcome
    {
        var warnings: [String] = []
        var state = EngineState()
        var snapshotSeq: UInt64 = 0
        for seq in try store.snapshotSeqs() {
            guard let candidate = try store.snapshot(seq: seq) else { continue }
            guard candidate.valid else {
                warnings.append("snapshot at seq \(seq) in \(store.path) fails its checksum; trying an older one")
                continue
            }
            do {
                state = EngineState(snapshot: try EventCodec.decodeSnapshot(candidate.body))
                snapshotSeq = seq
                break
            } catch {
                warnings.append(
                    "snapshot at seq \(seq) in \(store.path) cannot be decoded (\(error)); trying an older one")
            }
        }
        let oldest = try store.oldestJournalSeq
        if oldest > snapshotSeq + 1 {
            throw StorageError(
                "cannot recover \(store.path): no valid snapshot covers events up to \(oldest - 1) and the journal starts at \(oldest); the file is left untouched for inspection"
            )
        }
        var replayed = 0
        var next = snapshotSeq
        do {
            let journal = JournalReadAhead(store, after: snapshotSeq, batchSize: replayBatch)
            // However replay ends, the reader has returned before the store is used again.
            defer { journal.stop() }
            replay: while let batch = try journal.next() {
                for row in batch {
                    guard row.seq == next + 1 else {
                        warnings.append(
                            "journal has a gap after seq \(next) (next is \(row.seq)); recovering up to \(next)")
                        break replay
                    }
                    let event: EngineEvent
                    do {
                        event = try row.event.get()
                    } catch {
                        warnings.append("journal event \(row.seq) is damaged (\(error)); recovering up to \(next)")
                        break replay
                    }
                    try state.apply(event)
                    next = event.seq
                    replayed += 1
                }
            }
        }
        let last = try store.lastJournalSeq
        if last > next {
            if truncating {
                try store.truncate(after: next)
                warnings.append("journal tail after seq \(next) was truncated")
            } else {
                warnings.append(
                    "journal events \(next + 1)–\(last) cannot be recovered; a server starting here drops them")
            }
        }
        for warning in warnings { logger.warning("\(warning)") }
        return Outcome(state: state, snapshotSeq: snapshotSeq, replayedEvents: replayed, warnings: warnings)
    }
}
