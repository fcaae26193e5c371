import Atomics
import Dispatch
import Foundation
import LeadRouterCore
import Logging
import Testing

@testable import LeadRouterStorage

@Suite("Journal, snapshots and recovery")
final class StorageTests {
    static let logger = Logger(label: "storage-test")
    /// This test's folder (each test runs on its own instance), removed when the test ends.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("leadrouter-storage-\(UUID())").path

    deinit { try? FileManager.default.removeItem(atPath: scratch) }

    /// A fresh folder inside ``scratch``.
    func directory() -> String {
        let path = (scratch as NSString).appendingPathComponent(UUID().uuidString)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// An engine with some traffic, and its events.
    static func traffic(routes: Int = 60) throws -> (RoutingEngine, [EngineEvent]) {
        let clock = ManualClock()
        let engine = RoutingEngine(configuration: .init(historyCapacity: 1 << 16), clock: clock)
        try engine.upsertReps((0..<6).map { Rep(id: "r\($0)", teams: ["t"], capacity: 8) })
        try engine.applyPolicy(
            Policy(
                version: "s",
                rules: [
                    Rule(
                        name: "w", condition: .equals(.source, "w"),
                        target: .init(pool: .team("t"), strategy: .weighted), slaSeconds: 30)
                ],
                defaultRule: Rule(name: "default", target: .init(pool: .team("t")), slaSeconds: 60)))
        for index in 0..<6 { try engine.setAvailability("r\(index)", status: .available) }
        for index in 0..<routes {
            try engine.route(Lead(id: "l\(index)", createdAt: clock.now(), source: index % 2 == 0 ? "w" : "x"))
            if index % 7 == 0 { _ = try? engine.accept("l\(index)") }
            if index % 11 == 0 { _ = try? engine.complete("l\(index)", outcome: "won") }
            if index % 13 == 0 { try engine.setAvailability("r\(index % 6)", status: .away) }
            if index % 17 == 0 { try engine.setAvailability("r\(index % 6)", status: .available) }
            clock.advance(seconds: 5)
            engine.tick()
        }
        return (engine, try #require(engine.events(after: 0, limit: 1_000_000)))
    }

    /// A store in a fresh folder (unless `configuration` names one) and its writer, started, following
    /// `engine`'s state.
    func startedWriter(
        _ configuration: StorageConfiguration? = nil,
        following engine: RoutingEngine,
        onDurable: @escaping @Sendable (UInt64) -> Void = { _ in }
    ) throws -> (JournalStore, JournalWriter) {
        let configuration = configuration ?? StorageConfiguration(directory: directory())
        let store = try JournalStore(configuration: configuration, logger: Self.logger)
        let writer = JournalWriter(
            store: store, configuration: configuration, logger: Self.logger, recoveredSeq: 0, snapshotSeq: 0,
            recoveredRecords: 0, currentState: { engine.state },
            currentRecords: { engine.read { $0.assignments.count } }, onDurable: onDurable)
        writer.start()
        return (store, writer)
    }

    @Test func groupCommitBatchesConcurrentSubmissionsInSequenceOrder() throws {
        let (engine, events) = try Self.traffic(routes: 300)
        let (store, writer) = try startedWriter(following: engine)
        // Four threads hand in interleaved single events, out of order across threads.
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for event in events where Int(event.seq) % 4 == thread { writer.submit([event]) }
        }
        for _ in 0..<500 where writer.durableSeq.load(ordering: .acquiring) < UInt64(events.count) { usleep(10_000) }
        #expect(writer.durableSeq.load(ordering: .acquiring) == UInt64(events.count))
        #expect(writer.commits.load(ordering: .relaxed) < events.count, "several events per transaction")
        writer.stop()
        #expect(try store.events(after: 0, limit: 100_000).map(\.seq) == Array(1...UInt64(events.count)))
    }

    @Test func theStorageThreadsCarryTheirNames() throws {
        #if os(Linux)
            let (engine, _) = try Self.traffic(routes: 1)
            let (_, writer) = try startedWriter(following: engine)
            defer { writer.stop() }
            // What `ps -L` shows; the threads name themselves as they start.
            func threadNames() -> Set<String> {
                let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
                return Set(
                    tasks.compactMap {
                        try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8)
                            .trimmingCharacters(in: .whitespacesAndNewlines)
                    })
            }
            var attempts = 0
            while !threadNames().isSuperset(of: ["lr-journal", "lr-checkpoint"]) && attempts < 200 {
                usleep(5_000)
                attempts += 1
            }
            #expect(threadNames().isSuperset(of: ["lr-journal", "lr-checkpoint"]))
        #endif
    }

    /// A writer that sleeps until it is woken: one that woke on its own (every 500 ms by default) and
    /// took the committing role just as a submission came would commit it itself, and under a loaded
    /// machine (a ThreadSanitizer run beside the crash tests) the writer thread, starved of CPU, held
    /// the role long enough to take a fifth of the submissions.
    func sleepyConfiguration() -> StorageConfiguration {
        var configuration = StorageConfiguration(directory: directory())
        configuration.idleWakeMilliseconds = 3_600_000
        return configuration
    }

    @Test func aLoneSubmissionToAnIdleWriterIsCommittedBeforeSubmitReturns() throws {
        let (engine, events) = try Self.traffic(routes: 10)
        let (store, writer) = try startedWriter(sleepyConfiguration(), following: engine)
        // With the writer asleep, the submitting thread commits itself instead of waking it. The first
        // submission may still meet the writer's first look at its inbox.
        var committedInline = 0
        for event in events {
            usleep(20_000)
            writer.submit([event])
            if writer.durableSeq.load(ordering: .acquiring) == event.seq { committedInline += 1 }
        }
        #expect(committedInline >= events.count - 1, "\(committedInline) of \(events.count) committed inline")
        writer.stop()
        #expect(try store.events(after: 0, limit: 1_000).map(\.seq) == Array(1...UInt64(events.count)))
    }

    @Test func withDurabilitySyncASmallSubmissionReturnsOnlyOnceItsEventsAreCommitted() throws {
        let (engine, events) = try Self.traffic(routes: 100)
        let (store, writer) = try startedWriter(sleepyConfiguration(), following: engine)
        // The replies of a sync call wait for its events, so the submitting thread commits them itself
        // instead of handing them to the writer thread (which may take the first, on its first look).
        var committedOnReturn = 0
        for event in events {
            writer.submit([event])
            if writer.durableSeq.load(ordering: .acquiring) >= event.seq { committedOnReturn += 1 }
        }
        #expect(committedOnReturn >= events.count - 1, "\(committedOnReturn) of \(events.count) committed on return")
        writer.stop()
        #expect(try store.events(after: 0, limit: 1_000).map(\.seq) == Array(1...UInt64(events.count)))
    }

    @Test func withDurabilitySyncALargeBatchIsCommittedByTheWriterThread() throws {
        let (engine, events) = try Self.traffic(routes: 200)
        // Which thread ran each commit: `onDurable` runs on the committing thread.
        let caller = pthread_self()
        let commitsOnCaller = ManagedAtomic(0)
        let (store, writer) = try startedWriter(following: engine) { _ in
            if pthread_equal(pthread_self(), caller) != 0 { commitsOnCaller.wrappingIncrement(ordering: .relaxed) }
        }
        // Alternately a few events (a closed-loop caller's batch) and a loop's pipelined batch, each
        // committed before the next goes in.
        var start = 0
        var small = (batches: 0, onCaller: 0)
        var large = (batches: 0, onCaller: 0)
        while start < events.count {
            let isLarge = (small.batches + large.batches) % 2 == 1
            let batch = Array(events[start..<min(events.count, start + (isLarge ? JournalWriter.handOffFrom : 3))])
            start += batch.count
            let before = commitsOnCaller.load(ordering: .relaxed)
            writer.submit(batch)
            for _ in 0..<500 where writer.durableSeq.load(ordering: .acquiring) < batch.last!.seq { usleep(1_000) }
            // The writer publishes `durableSeq` a moment before it gives the role back; a small batch
            // arriving in that moment is left to it (and counted as a miss below).
            if isLarge { usleep(2_000) }
            let ranOnCaller = commitsOnCaller.load(ordering: .relaxed) > before ? 1 : 0
            if batch.count >= JournalWriter.handOffFrom {
                large.batches += 1
                large.onCaller += ranOnCaller
            } else {
                small.batches += 1
                small.onCaller += ranOnCaller
            }
        }
        #expect(large.batches >= 10 && large.onCaller == 0, "\(large)")
        #expect(small.onCaller >= small.batches - 2, "\(small)")
        writer.stop()
        #expect(try store.events(after: 0, limit: 10_000).map(\.seq) == Array(1...UInt64(events.count)))
    }

    @Test func withDurabilitySyncBatchesOfEverySizeFromManyThreadsAreAllCommittedInOrder() throws {
        let (engine, events) = try Self.traffic(routes: 300)
        let (store, writer) = try startedWriter(following: engine)
        // Batches of 1 to 40 events, dealt round the threads: each thread's are in order, but the
        // threads race, so the writer sees gaps, producers find the role taken, and both the inline
        // and the hand-over paths run at once.
        var generator = SystemRandomNumberGenerator()
        var batches: [[EngineEvent]] = []
        var start = 0
        while start < events.count {
            let size = Int.random(in: 1...40, using: &generator)
            batches.append(Array(events[start..<min(events.count, start + size)]))
            start += size
        }
        let threads = 8
        let dealt = batches
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for (index, batch) in dealt.enumerated() where index % threads == thread { writer.submit(batch) }
        }
        for _ in 0..<1_000 where writer.durableSeq.load(ordering: .acquiring) < UInt64(events.count) {
            usleep(10_000)
        }
        #expect(writer.durableSeq.load(ordering: .acquiring) == UInt64(events.count))
        writer.stop()
        #expect(try store.events(after: 0, limit: 100_000).map(\.seq) == Array(1...UInt64(events.count)))
    }

    @Test func aJournalRowEncodedInOneBufferEqualsItsEventsEncodedOneByOne() throws {
        let (_, events) = try Self.traffic(routes: 40)
        let row = try EventCodec.encode(batch: events)
        // Byte for byte where the encoding is deterministic (JSON-encoded admin events order their
        // dictionary keys freely), and every event decodes back to itself.
        let parts = try #require(EventCodec.split(batch: row))
        let oneByOne = try events.map(EventCodec.encode)
        #expect(parts.count == events.count)
        for (part, (event, single)) in zip(parts, zip(events, oneByOne)) {
            #expect(try EventCodec.decodeEvent(part) == event)
            if case .offered = event.kind { #expect(part == single) }
        }
    }

    @Test func theWritersPrimitivesKeepTheirByteLayout() throws {
        // Journals and snapshots already on disk were written with these bytes.
        var writer = BinaryWriter()
        for value: UInt64 in [0, 127, 128, 300, 1_767_225_600_000, .max] { writer.varint(value) }
        writer.int(-1)
        writer.double(1.5)
        writer.string("héllo")
        writer.string(String(repeating: "lead-", count: 8))
        let expected: [UInt8] =
            [0x00, 0x7F, 0x80, 0x01, 0xAC, 0x02, 0x80, 0xD0, 0xEA, 0xB6, 0xB7, 0x33]
            + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x01]
            + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x3F]
            + [0x06] + Array("héllo".utf8) + [0x28] + Array(String(repeating: "lead-", count: 8).utf8)
        #expect(writer.bytes == expected)
        var reader = BinaryReader(Data(writer.bytes))
        #expect(try (0..<6).map { _ in try reader.varint() } == [0, 127, 128, 300, 1_767_225_600_000, .max])
        #expect(try reader.int() as Int == -1)
        #expect(try reader.double() == 1.5)
        #expect(try reader.string() == "héllo")
    }

    @Test func snapshotPlusJournalReplayEqualsTheLiveState() throws {
        let (engine, events) = try Self.traffic()
        let configuration = StorageConfiguration(directory: directory())
        let store = try JournalStore(configuration: configuration, logger: Self.logger)
        let half = events.count / 2
        let early = try EngineState(replaying: events.prefix(half))
        try store.append(Array(events.prefix(half)))
        try store.writeSnapshot(early.snapshot, at: early.lastTime)
        try store.append(Array(events.suffix(from: half)))
        let outcome = try Recovery.recover(store, logger: Self.logger)
        #expect(outcome.snapshotSeq == UInt64(half))
        #expect(outcome.replayedEvents == events.count - half)
        #expect(outcome.state == engine.state)
        #expect(outcome.warnings.isEmpty)
    }

    @Test func aTornTailIsTruncatedToTheLastCompleteEvent() throws {
        let (_, events) = try Self.traffic()
        let configuration = StorageConfiguration(directory: directory())
        let store = try JournalStore(configuration: configuration, logger: Self.logger)
        try store.append(events)
        let last = events.count
        try store.execute("INSERT INTO event_batches VALUES (\(last + 1), \(last + 2), X'7B2273657122')")
        try store.execute("INSERT INTO event_batches VALUES (\(last + 4), \(last + 4), X'00')")
        // A check (`leadrouter check`) recovers the same and says what a start would drop, dropping nothing.
        let checked = try Recovery.recover(store, logger: Self.logger, truncating: false)
        #expect(checked.state == (try EngineState(replaying: events)))
        #expect(checked.warnings.contains { $0.contains("events \(last + 1)–\(last + 4) cannot be recovered") })
        #expect(try store.lastJournalSeq == UInt64(last + 4))
        let outcome = try Recovery.recover(store, logger: Self.logger)
        #expect(
            outcome.state == (try EngineState(replaying: events)),
            "\(outcome.warnings) \(outcome.state.lastSeq) \(events.count)")
        #expect(outcome.warnings.contains { $0.contains("truncated") })
        #expect(try store.lastJournalSeq == UInt64(last))
    }

    /// The journal is read and decoded a few batches ahead of replay, on a thread of its own; a gap
    /// ends replay while that thread is still ahead, and everything before the gap is kept.
    @Test func replayReadingAheadStopsAtAGapWithEverythingBeforeIt() throws {
        let (_, events) = try Self.traffic()
        let store = try JournalStore(
            configuration: StorageConfiguration(directory: directory()), logger: Self.logger)
        try store.append(Array(events.prefix(50)))
        try store.append([events[50]])
        try store.append(Array(events.suffix(from: 51)))
        let whole = try Recovery.recover(store, logger: Self.logger, replayBatch: 7)
        #expect(whole.replayedEvents == events.count && whole.warnings.isEmpty)
        #expect(whole.state == (try EngineState(replaying: events)))

        try store.execute("DELETE FROM event_batches WHERE first_seq = 51")
        let cut = try Recovery.recover(store, logger: Self.logger, replayBatch: 7)
        #expect(cut.replayedEvents == 50)
        #expect(cut.state == (try EngineState(replaying: events.prefix(50))))
        #expect(cut.warnings.contains { $0.contains("gap after seq 50") })
        #expect(try store.lastJournalSeq == 50)
    }

    @Test func truncatingInsideATransactionKeepsItsEarlierEvents() throws {
        let (_, events) = try Self.traffic()
        let store = try JournalStore(
            configuration: StorageConfiguration(directory: directory()), logger: Self.logger)
        try store.append(Array(events.prefix(20)))
        try store.append(Array(events.suffix(from: 20)))
        try store.truncate(after: 10)
        #expect(try store.lastJournalSeq == 10)
        #expect(try store.events(after: 0, limit: 1_000).map(\.seq) == Array(1...10))
        #expect(try store.events(after: 4, limit: 3).map(\.seq) == [5, 6, 7])
    }

    @Test func aFailedAppendLeavesNoOpenTransactionBehind() throws {
        let (_, events) = try Self.traffic()
        let store = try JournalStore(
            configuration: StorageConfiguration(directory: directory()), logger: Self.logger)
        try store.append(Array(events.prefix(10)))
        // The same first sequence number again breaks the primary key: the append must roll back ...
        #expect(throws: (any Error).self) { try store.append(Array(events.prefix(3))) }
        // ... so the next one commits on its own, and nothing of the failed one is left.
        try store.append(Array(events[10..<20]))
        #expect(try store.events(after: 0, limit: 1_000).map(\.seq) == Array(1...20))
        // A gap inside one append would misnumber the row's events, so it is refused.
        #expect(throws: StorageError.self) { try store.append([events[20], events[22]]) }
    }

    @Test func rowsOfEverySizeWrittenThroughTheReusedBufferReadBackWhole() throws {
        let (_, events) = try Self.traffic(routes: 1_000)
        let store = try JournalStore(
            configuration: StorageConfiguration(directory: directory()), logger: Self.logger)
        // One event, then a catch-up row past the size the buffer is kept at (it is replaced before
        // the next), then small rows again: each must hold its own bytes, none a leftover tail.
        let big = events.count - 10
        try #require(EventCodec.encode(batch: events[1..<big]).count > 1 << 20)
        for range in [0..<1, 1..<big, big..<big + 2, big + 2..<big + 3, big + 3..<events.count] {
            try store.append(events[range])
        }
        #expect(try store.events(after: 0, limit: 1_000_000) == events)
    }

    /// Recovery and streams resuming from the journal read it from any event, a limited number at a
    /// time, across rows of one event or many.
    @Test func theJournalReadsFromAnyEventUpToTheLimitAcrossRowsOfEverySize() throws {
        let (_, events) = try Self.traffic(routes: 40)
        let store = try JournalStore(
            configuration: StorageConfiguration(directory: directory()), logger: Self.logger)
        var start = 0
        for size in [1, 7, 2, 1, 30, 3].cycled(until: events.count) {
            let end = min(start + size, events.count)
            try store.append(events[start..<end])
            start = end
        }
        for after in 0...events.count {
            for limit in [1, 3, 50, 1_000] {
                let read = try store.events(after: UInt64(after), limit: limit)
                let expected = events[after..<min(after + limit, events.count)]
                #expect(read == Array(expected), "after \(after), limit \(limit)")
            }
        }
    }

    @Test func aJournalOfOneRowPerEventIsMigratedToOneRowPerTransaction() throws {
        let (_, events) = try Self.traffic()
        let configuration = StorageConfiguration(directory: directory())
        do {
            // Put the database back the way schema v3 left it: one row per event in `events`.
            let store = try JournalStore(configuration: configuration, logger: Self.logger)
            try store.execute(
                """
                DROP TABLE event_batches;
                CREATE TABLE events (seq INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, lead TEXT, body BLOB NOT NULL);
                DELETE FROM grdb_migrations WHERE identifier = 'v4-event-batches';
                """)
            for event in events {
                let hex = try EventCodec.encode(event).map { String(format: "%02x", $0) }.joined()
                try store.execute("INSERT INTO events VALUES (\(event.seq), 0, NULL, X'\(hex)')")
            }
        }
        let store = try JournalStore(configuration: configuration, logger: Self.logger)
        #expect(try store.events(after: 0, limit: 100_000) == events)
        #expect(try store.lastJournalSeq == UInt64(events.count))
    }

    @Test func aCorruptedSnapshotFallsBackToThePreviousOnePlusTheJournal() throws {
        let (engine, events) = try Self.traffic()
        let configuration = StorageConfiguration(directory: directory())
        let store = try JournalStore(configuration: configuration, logger: Self.logger)
        let third = events.count / 3
        try store.append(Array(events.prefix(third)))
        let first = try EngineState(replaying: events.prefix(third))
        try store.writeSnapshot(first.snapshot, at: first.lastTime)
        try store.append(Array(events[third..<(2 * third)]))
        let second = try EngineState(replaying: events.prefix(2 * third))
        try store.writeSnapshot(second.snapshot, at: second.lastTime)
        try store.append(Array(events.suffix(from: 2 * third)))
        try store.execute("UPDATE snapshot_parts SET body = X'00112233' WHERE seq = \(2 * third)")
        let outcome = try Recovery.recover(store, logger: Self.logger)
        #expect(outcome.snapshotSeq == UInt64(third))
        #expect(outcome.warnings.contains { $0.contains("fails its checksum") })
        #expect(outcome.state == engine.state)
    }

    @Test func theSnapshotChecksumIsTheSameHoweverTheBodyIsSplit() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let whole = EventCodec.checksum(Data(bytes))
        for pieceLength in [1, 3, 7, 8, 13, 64, 999] {
            var checksum = SnapshotChecksum()
            for start in stride(from: 0, to: bytes.count, by: pieceLength) {
                bytes[start..<min(start + pieceLength, bytes.count)].withUnsafeBytes { checksum.add($0) }
            }
            #expect(checksum.value == whole, "pieces of \(pieceLength) bytes")
        }
        #expect(EventCodec.checksum(Data(bytes.prefix(999))) != whole)
    }

    @Test func aSnapshotWithTheOlderBytewiseChecksumStillLoads() throws {
        let (engine, events) = try Self.traffic()
        let store = try JournalStore(
            configuration: StorageConfiguration(directory: directory()), logger: Self.logger)
        try store.append(events)
        try store.writeSnapshot(engine.state.snapshot, at: engine.state.lastTime)
        let body = try #require(try store.snapshot(seq: engine.state.lastSeq)).body
        #expect(EventCodec.bytewiseChecksum(body) != EventCodec.checksum(body))
        try store.execute("UPDATE snapshots SET checksum = \(EventCodec.bytewiseChecksum(body))")
        let outcome = try Recovery.recover(store, logger: Self.logger)
        #expect(outcome.snapshotSeq == engine.state.lastSeq)
        #expect(outcome.warnings.isEmpty)
        #expect(outcome.state == engine.state)
    }

    @Test func aSnapshotInTheOlderFormatVersion3StillLoads() throws {
        let (engine, _) = try Self.traffic(routes: 12)
        let snapshot = try EventCodec.decodeSnapshot(SnapshotFixtures.version3)
        #expect(EngineState(snapshot: snapshot) == engine.state)
    }

    @Test func aSnapshotInTheOlderFormatVersion4StillLoads() throws {
        let (engine, _) = try Self.traffic(routes: 12)
        let snapshot = try EventCodec.decodeSnapshot(SnapshotFixtures.version4)
        let restored = EngineState(snapshot: snapshot)
        #expect(restored == engine.state)
        let reps = (0..<6).map { "r\($0)" }
        #expect(reps.contains { !engine.state.openLeads(of: $0).isEmpty })
        for rep in reps { #expect(Set(restored.openLeads(of: rep)) == Set(engine.state.openLeads(of: rep))) }
    }

    @Test func aLargeSnapshotEncodedInParallelSegmentsDecodesToTheSameState() throws {
        let engine = RoutingEngine(configuration: .init(detailedExplanations: false, historyCapacity: 1 << 10))
        try engine.upsertReps((0..<50).map { Rep(id: "rep-\($0)", teams: ["t"], capacity: 100_000) })
        for index in 0..<50 { try engine.setAvailability("rep-\(index)", status: .available) }
        for index in 0..<30_000 {
            try engine.route(Lead(id: "lead-\(index)", createdAt: Timestamp(millis: 1), source: "web"))
        }
        let body = try EventCodec.encode(engine.state.snapshot)
        #expect(body.pieces.count > 3, "the records came in segments")
        #expect(EngineState(snapshot: try EventCodec.decodeSnapshot(body.data)) == engine.state)
    }

    @Test func aSnapshotStoredInManyPartsLoadsWholeAndOneCutShortIsIgnored() throws {
        let (engine, events) = try Self.traffic()
        let store = try JournalStore(
            configuration: StorageConfiguration(directory: directory()), logger: Self.logger)
        let half = events.count / 2
        try store.append(Array(events.prefix(half)))
        let early = try EngineState(replaying: events.prefix(half))
        var betweenParts = 0
        try store.insertSnapshot(
            seq: early.lastSeq, body: try EventCodec.encode(early.snapshot), at: early.lastTime, partBytes: 100
        ) { betweenParts += 1 }
        #expect(betweenParts > 3, "the body went in several parts")
        try store.append(Array(events.suffix(from: half)))
        // The newest snapshot's parts are stored but its row never was: a crash in the middle.
        try store.writeSnapshot(engine.state.snapshot, at: engine.state.lastTime)
        try store.execute("DELETE FROM snapshots WHERE seq = \(events.count)")
        let outcome = try Recovery.recover(store, logger: Self.logger)
        #expect(outcome.snapshotSeq == UInt64(half))
        #expect(outcome.replayedEvents == events.count - half)
        #expect(outcome.state == engine.state)
    }

    @Test func aSnapshotStoredWholeInItsRowStillLoads() throws {
        let (engine, events) = try Self.traffic()
        let store = try JournalStore(
            configuration: StorageConfiguration(directory: directory()), logger: Self.logger)
        try store.append(events)
        // As schema v4 and earlier stored them: the body in the `snapshots` row, no parts.
        let body = try EventCodec.encode(engine.state.snapshot).data
        let hex = body.map { String(format: "%02x", $0) }.joined()
        try store.execute(
            "INSERT INTO snapshots(seq, created_ms, checksum, body) VALUES (\(events.count), 0, \(EventCodec.checksum(body)), X'\(hex)')"
        )
        let outcome = try Recovery.recover(store, logger: Self.logger)
        #expect(outcome.snapshotSeq == UInt64(events.count))
        #expect(outcome.replayedEvents == 0)
        #expect(outcome.state == engine.state)
    }

    @Test func withNothingValidTheServerRefusesAndLeavesTheFileAlone() throws {
        let (_, events) = try Self.traffic()
        var configuration = StorageConfiguration(directory: directory())
        configuration.retainedEvents = 5
        let store = try JournalStore(configuration: configuration, logger: Self.logger)
        // One transaction per event, so compaction (which drops whole transactions) can cut anywhere.
        for event in events { try store.append([event]) }
        let state = try EngineState(replaying: events)
        try store.writeSnapshot(state.snapshot, at: state.lastTime)
        try store.compact(retained: 5)
        #expect(try store.oldestJournalSeq == UInt64(events.count - 4))
        try store.execute("UPDATE snapshots SET checksum = checksum + 1")
        let size = try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int
        let error = #expect(throws: StorageError.self) { _ = try Recovery.recover(store, logger: Self.logger) }
        #expect(error?.message.contains("no valid snapshot covers events") == true)
        #expect(try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int == size)
        #expect(try store.lastJournalSeq == UInt64(events.count))
    }

    @Test func aDatabaseFromANewerSchemaIsRefusedClearly() throws {
        let configuration = StorageConfiguration(directory: directory())
        do {
            let store = try JournalStore(configuration: configuration, logger: Self.logger)
            try store.execute("INSERT INTO grdb_migrations(identifier) VALUES ('v2-from-the-future')")
        }
        let error = #expect(throws: StorageError.self) {
            _ = try JournalStore(configuration: configuration, logger: Self.logger)
        }
        #expect(error?.message.contains("written by a newer LeadRouter") == true)
        #expect(error?.message.contains("v2-from-the-future") == true)
    }

    @Test func theLogIsCopiedBackBesideTheCommitsAndStartsOverSoItStaysSmall() throws {
        let (_, events) = try Self.traffic(routes: 150)
        var configuration = StorageConfiguration(directory: directory())
        configuration.checkpointEveryPages = 64
        let store = try JournalStore(configuration: configuration, logger: Self.logger)
        // One event per transaction, so every commit adds at least a page to the log, and each chunk
        // is over the threshold: its passes run, and the next chunk's first commit finishes them.
        let chunk = 50
        for start in stride(from: 0, to: events.count, by: chunk) {
            for event in events[start..<min(start + chunk, events.count)] { try store.append([event]) }
            let deadline = Date().addingTimeInterval(10)
            while !store.checkpointer.isIdle && Date() < deadline { usleep(1000) }
        }
        #expect(store.checkpointer.finished.load(ordering: .relaxed) >= events.count / chunk - 2)
        // The passes copy most of the log; the finishing commits only what came in during the last pass.
        let beside = store.checkpointer.framesCopiedBeside.load(ordering: .relaxed)
        let atFinish = store.checkpointer.framesCopiedAtFinish.load(ordering: .relaxed)
        #expect(
            beside >= events.count / 2 && atFinish < beside, "\(beside) frames copied beside, \(atFinish) at finish")
        // Without the checkpointer the log would hold a page for every commit.
        let logBytes = try #require(
            try FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int)
        #expect(logBytes < events.count * 4096 / 4, "the log grew to \(logBytes) bytes")
        #expect(try store.events(after: 0, limit: 100_000) == events)
    }

    @Test func aSecondStoreOnTheSameFolderIsRefusedClearly() throws {
        let configuration = StorageConfiguration(directory: directory())
        let store = try JournalStore(configuration: configuration, logger: Self.logger)
        try store.append([])
        let error = #expect(throws: StorageError.self) {
            _ = try JournalStore(configuration: configuration, logger: Self.logger)
        }
        #expect(error?.message.contains("in use by another LeadRouter") == true)
        _ = store
    }

    @Test func aDataFolderThatCannotBeMadeIsRefusedWithTheSystemsReason() throws {
        let base = directory()
        let file = base + "/a-file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        let inside = #expect(throws: StorageError.self) {
            _ = try JournalStore(configuration: StorageConfiguration(directory: file + "/data"), logger: Self.logger)
        }
        #expect(inside?.message == "cannot create the data folder \(file)/data: Not a directory", "\(inside!)")
        let itself = #expect(throws: StorageError.self) {
            _ = try JournalStore(configuration: StorageConfiguration(directory: file), logger: Self.logger)
        }
        #expect(itself?.message == "cannot use \(file) as the data folder: it is not a folder")
        // Folders missing on the way are made.
        _ = try JournalStore(configuration: StorageConfiguration(directory: base + "/x/y"), logger: Self.logger)
        #expect(FileManager.default.fileExists(atPath: base + "/x/y/leadrouter.sqlite"))
    }

    @Test func periodicSnapshotsAreEncodedAsideThenStoredAndCompacted() throws {
        let (engine, events) = try Self.traffic(routes: 200)
        var configuration = StorageConfiguration(directory: directory())
        configuration.snapshotEveryEvents = 50
        configuration.retainedEvents = 10
        let (store, writer) = try startedWriter(configuration, following: engine)
        // Each chunk committed before the next goes in: one journal row each, so compaction (which
        // drops whole rows) has rows behind the snapshot to drop.
        for chunk in stride(from: 0, to: events.count, by: 16) {
            let end = min(chunk + 16, events.count)
            writer.submit(Array(events[chunk..<end]))
            for _ in 0..<1000 where writer.durableSeq.load(ordering: .acquiring) < UInt64(end) { usleep(1000) }
        }
        // A periodic snapshot lands while the writer runs: compaction (which follows storing it) is the
        // read-only sign. Recovery itself must not run against a live writer (it truncates tails).
        for _ in 0..<500
        where try store.oldestJournalSeq <= 1
            || writer.durableSeq.load(ordering: .acquiring) < UInt64(events.count)
        {
            usleep(10_000)
        }
        #expect(try store.oldestJournalSeq > 1, "a snapshot was stored and the journal behind it compacted")
        #expect(writer.durableSeq.load(ordering: .acquiring) == UInt64(events.count))
        writer.stop()
        let recovered = try Recovery.recover(store, logger: Self.logger)
        #expect(recovered.snapshotSeq == UInt64(events.count))
        #expect(recovered.state == engine.state)
    }

    /// Periodic snapshots space out as the state grows: after a snapshot of N assignments the next
    /// waits for at least N events (not `snapshotEveryEvents`), so their cost per event stays bounded;
    /// events that added an assignment do not count (replaying one costs less than loading the record
    /// it adds); time still triggers one whatever the count.
    @Test func periodicSnapshotsWaitForAsManyEventsAsTheLastOneHeldAssignmentsBeyondGrowth() {
        let start = Date()
        var schedule = SnapshotSchedule(everyEvents: 100, everySeconds: 60, lastSeq: 0, now: start)
        var records = 0
        func due(_ durable: UInt64, after seconds: Double = 0) -> Bool {
            schedule.isDue(durable: durable, records: { records }, now: start.addingTimeInterval(seconds))
        }
        #expect(!due(99))
        #expect(due(100))
        schedule.started(records: 80)
        schedule.finished(seq: 100, now: start)
        records = 80
        #expect(!due(199))
        #expect(due(200))
        schedule.started(records: 1000)
        schedule.finished(seq: 200, now: start)
        records = 1000
        #expect(!due(1199))
        #expect(due(1200))
        // 1,000 of those events added an assignment each: only the other 1,000 count.
        records = 2000
        #expect(!due(1200))
        #expect(!due(2199))
        #expect(due(2200))
        // Fewer assignments than the snapshot held (completed ones archived): every event counts.
        records = 500
        #expect(due(1200))
        records = 1000
        #expect(due(201, after: 60))
        #expect(!due(200, after: 60), "nothing changed")
        // A failed store waits out the interval again but keeps the last stored sequence number.
        schedule.finished(seq: nil, now: start.addingTimeInterval(60))
        #expect(schedule.lastSeq == 200)
        #expect(!due(300, after: 61))
    }

    /// After a restart the schedule counts growth from the recovered state, whose size also sets
    /// how many events the next snapshot waits for.
    @Test func aRestartedScheduleCountsFromTheRecoveredState() {
        let start = Date()
        let schedule = SnapshotSchedule(everyEvents: 100, everySeconds: 60, lastSeq: 500, records: 400, now: start)
        #expect(!schedule.isDue(durable: 899, records: { 400 }, now: start))
        #expect(schedule.isDue(durable: 900, records: { 400 }, now: start))
        #expect(!schedule.isDue(durable: 900, records: { 800 }, now: start))
    }

    @Test func compactionKeepsTheRetainedEventsAndASpareSnapshot() throws {
        let (engine, events) = try Self.traffic(routes: 120)
        let configuration = StorageConfiguration(directory: directory())
        let store = try JournalStore(configuration: configuration, logger: Self.logger)
        let cut = events.count / 2
        try store.append(Array(events.prefix(cut)))
        let first = try EngineState(replaying: events.prefix(cut))
        try store.writeSnapshot(first.snapshot, at: first.lastTime)
        try store.append(Array(events.suffix(from: cut)))
        try store.writeSnapshot(engine.state.snapshot, at: engine.state.lastTime)
        try store.compact(retained: 10)
        // Events after the spare snapshot stay, so the spare can still be replayed forward.
        #expect(try store.oldestJournalSeq == UInt64(cut + 1))
        try store.execute("UPDATE snapshots SET checksum = checksum + 1 WHERE seq = \(events.count)")
        #expect(try Recovery.recover(store, logger: Self.logger).state == engine.state)
    }
}

extension Array where Element == Int {
    /// These sizes over and over, as many as it takes for their sum to reach `total`.
    fileprivate func cycled(until total: Int) -> [Int] {
        var sizes: [Int] = []
        var sum = 0
        while sum < total {
            let size = self[sizes.count % count]
            sizes.append(size)
            sum += size
        }
        return sizes
    }
}
