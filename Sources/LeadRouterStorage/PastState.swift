import Foundation
import GRDB
import LeadRouterCore

/// Rebuilds a state the engine was in before now, for a policy replay: the window's first state.
public enum PastState {
    /// Where a window begins: after an event, or at a time.
    public enum Start: Sendable {
        case after(seq: UInt64)
        case at(Timestamp)
    }

    /// The newest state the data folder can rebuild at or before `start`: a stored snapshot (the
    /// newest valid one taken no later), or the empty state while the journal still holds event 1.
    /// The caller applies the journal's events from there up to the window. Throws when nothing
    /// kept reaches back that far.
    public static func base(_ store: JournalStore, before start: Start) throws -> EngineState {
        for (seq, created) in try store.snapshotTimes() {
            switch start {
            case .after(let after) where seq > after: continue
            case .at(let time) where created > time.millis: continue
            default: break
            }
            guard let stored = try store.snapshot(seq: seq), stored.valid,
                let snapshot = try? EventCodec.decodeSnapshot(stored.body)
            else { continue }
            return EngineState(snapshot: snapshot)
        }
        let oldest = try store.oldestJournalSeq
        if oldest <= 1 { return EngineState() }
        let kept = try store.snapshotTimes().last
        let earliest =
            kept.map {
                "the earliest is seq \($0.seq) (\(Timestamp(millis: $0.created)))"
            } ?? "none is kept"
        let asked =
            switch start {
            case .after(let seq): "seq \(seq)"
            case .at(let time): "\(time)"
            }
        throw StorageError(
            "the data folder keeps no state to start a replay from at or before \(asked): \(earliest); replay a later window"
        )
    }
}

extension JournalStore {
    /// The stored snapshots' sequence numbers and creation times (milliseconds), newest first.
    func snapshotTimes() throws -> [(seq: UInt64, created: Int64)] {
        try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, created_ms FROM snapshots ORDER BY seq DESC").map {
                (UInt64($0["seq"] as Int64), $0["created_ms"] as Int64)
            }
        }
    }
}
