import Foundation
import LeadRouterCore
import Testing

@testable import LeadRouterStorage

/// A replay's first state comes from the newest snapshot at or before the window, or from nothing
/// while the journal still starts at event 1; a window older than anything kept is refused by name.
@Suite("Past states for replay")
final class PastStateTests {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("leadrouter-past-\(UUID())").path

    deinit { try? FileManager.default.removeItem(atPath: scratch) }

    @Test func theBaseIsTheNewestKeptStateAtOrBeforeTheWindow() throws {
        let (_, events) = try StorageTests.traffic()
        let store = try JournalStore(
            configuration: StorageConfiguration(directory: scratch), logger: StorageTests.logger)
        let half = events.count / 2
        let early = try EngineState(replaying: events.prefix(half))
        // Rows of ten events: compaction drops whole rows only.
        for first in stride(from: 0, to: events.count, by: 10) {
            try store.append(Array(events[first..<min(first + 10, events.count)]))
        }
        #expect(try PastState.base(store, before: .after(seq: UInt64(half + 5))) == EngineState())

        try store.writeSnapshot(early.snapshot, at: early.lastTime)
        #expect(try PastState.base(store, before: .after(seq: UInt64(half + 5))) == early)
        #expect(try PastState.base(store, before: .after(seq: UInt64(half))) == early)
        #expect(try PastState.base(store, before: .after(seq: 5)) == EngineState(), "the journal still has event 1")
        #expect(try PastState.base(store, before: .at(events.last!.time)) == early)

        try store.compact(retained: 0)
        #expect(try store.oldestJournalSeq > 1)
        #expect(try PastState.base(store, before: .after(seq: UInt64(half + 1))) == early)
        let refused = #expect(throws: StorageError.self) { try PastState.base(store, before: .after(seq: 5)) }
        #expect(
            refused?.description
                == "the data folder keeps no state to start a replay from at or before seq 5: the earliest is seq \(half) (\(early.lastTime)); replay a later window"
        )
        #expect(throws: StorageError.self) { try PastState.base(store, before: .at(events[3].time)) }
    }
}
