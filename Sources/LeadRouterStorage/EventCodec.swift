import Dispatch
import Foundation
import LeadRouterCore

/// How events and snapshots are stored: a compact binary form (see ``BinaryWriter``), version-tagged,
/// plus an FNV-1a checksum on snapshots.
enum EventCodec {
    private static let eventVersion: UInt8 = 1
    /// 5: no open-lead lists with the reps' presence (loading rebuilds them from the records).
    /// 4: assignment records in independently interned segments (encoded in parallel). 3 and 4 are
    /// still read.
    private static let snapshotVersion: UInt8 = 5

    private enum Tag: UInt64 {
        case repsUpserted, repRemoved, territoriesSet, accountOwnersSet, policyApplied, availabilityChanged
        case offered, queued, accepted, completed, expired, released, escalated, archived
    }

    static func encode(_ event: EngineEvent) throws -> Data {
        var writer = BinaryWriter()
        try encode(event, into: &writer)
        return writer.data
    }

    /// One journal row: the events of one transaction, each length-prefixed behind their count, so a
    /// commit inserts one row however many events it carries.
    static func encode(batch events: some Collection<EngineEvent>) throws -> Data {
        var row = BinaryWriter(capacity: 384 * events.count + 8)
        var scratch = BinaryWriter()
        try encode(batch: events, into: &row, scratch: &scratch)
        return row.data
    }

    /// ``encode(batch:)`` into `row` (emptied first), through `scratch`, reused for every event: the
    /// same bytes as `batch(events.map(encode))` without a buffer and a `Data` per event.
    static func encode(
        batch events: some Collection<EngineEvent>, into row: inout BinaryWriter, scratch: inout BinaryWriter
    ) throws {
        row.removeAll()
        row.varint(UInt64(events.count))
        for event in events {
            scratch.removeAll()
            try encode(event, into: &scratch)
            row.varint(UInt64(scratch.count))
            row.append(scratch)
        }
    }

    /// A journal row of events already encoded one by one.
    static func batch(_ encoded: [Data]) -> Data {
        var writer = BinaryWriter(capacity: encoded.reduce(8) { $0 + $1.count + 3 })
        writer.array(encoded) { $0.data($1) }
        return writer.data
    }

    /// The encoded events of a journal row, or `nil` if the row is damaged.
    static func split(batch body: Data) -> [Data]? {
        var reader = BinaryReader(body)
        guard let count = try? reader.count(), let events = try? (0..<count).map({ _ in try reader.data() }),
            reader.isAtEnd
        else { return nil }
        return events
    }

    private static func encode(_ event: EngineEvent, into writer: inout BinaryWriter) throws {
        writer.varint(UInt64(eventVersion))
        writer.varint(event.seq)
        writer.timestamp(event.time)
        switch event.kind {
        case .repsUpserted(let reps):
            writer.varint(Tag.repsUpserted.rawValue)
            try writer.json(reps)
        case .repRemoved(let rep):
            writer.varint(Tag.repRemoved.rawValue)
            writer.string(rep)
        case .territoriesSet(let territories):
            writer.varint(Tag.territoriesSet.rawValue)
            try writer.json(territories)
        case .accountOwnersSet(let owners, let replace):
            writer.varint(Tag.accountOwnersSet.rawValue)
            try writer.json(owners)
            writer.bool(replace)
        case .policyApplied(let policy):
            writer.varint(Tag.policyApplied.rawValue)
            try writer.json(policy)
        case .availabilityChanged(let change):
            writer.varint(Tag.availabilityChanged.rawValue)
            writer.string(change.rep)
            writer.string(change.status.rawValue)
            writer.int(change.activeCalls)
            writer.optional(change.capacity) { $0.int($1) }
        case .offered(let offer):
            writer.varint(Tag.offered.rawValue)
            writer.lead(offer.lead)
            writer.string(offer.rep)
            writer.string(offer.rule)
            writer.double(offer.priority)
            writer.timestamp(offer.slaDeadline)
            writer.string(offer.poolKey)
            writer.string(offer.strategy.rawValue)
            writer.array(offer.joining.sorted { $0.key < $1.key }) { writer, entry in
                writer.string(entry.key)
                writer.int(entry.value)
            }
            writer.explanation(offer.explanation)
        case .queued(let queued):
            writer.varint(Tag.queued.rawValue)
            writer.lead(queued.lead)
            writer.string(queued.rule)
            writer.double(queued.priority)
            writer.explanation(queued.explanation)
        case .accepted(let lead, let rep):
            writer.varint(Tag.accepted.rawValue)
            writer.string(lead)
            writer.string(rep)
        case .completed(let lead, let rep, let outcome):
            writer.varint(Tag.completed.rawValue)
            writer.string(lead)
            writer.string(rep)
            writer.string(outcome)
        case .expired(let lead, let rep):
            writer.varint(Tag.expired.rawValue)
            writer.string(lead)
            writer.string(rep)
        case .released(let lead, let rep, let reason):
            writer.varint(Tag.released.rawValue)
            writer.string(lead)
            writer.string(rep)
            writer.string(reason)
        case .escalated(let lead, let rule):
            writer.varint(Tag.escalated.rawValue)
            writer.string(lead)
            writer.string(rule)
        case .archived(let records, let logEntries):
            writer.varint(Tag.archived.rawValue)
            writer.array(records) { $0.assignment($1) }
            writer.int(logEntries)
        }
    }

    static func decodeEvent(_ data: Data) throws -> EngineEvent {
        var reader = BinaryReader(data)
        guard try reader.varint() == UInt64(eventVersion) else { throw StorageError("unknown event format version") }
        let seq = try reader.varint()
        let time = try reader.timestamp()
        guard let tag = Tag(rawValue: try reader.varint()) else {
            throw StorageError("unknown event kind in event \(seq)")
        }
        let kind: EngineEvent.Kind
        switch tag {
        case .repsUpserted: kind = .repsUpserted(try reader.json([Rep].self))
        case .repRemoved: kind = .repRemoved(try reader.string())
        case .territoriesSet: kind = .territoriesSet(try reader.json([Territory].self))
        case .accountOwnersSet:
            kind = .accountOwnersSet(try reader.json([AccountOwner].self), replace: try reader.bool())
        case .policyApplied: kind = .policyApplied(try reader.json(Policy.self))
        case .availabilityChanged:
            kind = .availabilityChanged(
                AvailabilityChange(
                    rep: try reader.string(), status: try reader.enumeration(RepStatus.self),
                    activeCalls: try reader.int(),
                    capacity: try reader.optional { try $0.int() }))
        case .offered:
            let lead = try reader.lead()
            let rep = try reader.string()
            let rule = try reader.string()
            let priority = try reader.double()
            let deadline = try reader.timestamp()
            let poolKey = try reader.string()
            let strategy = try reader.enumeration(RoutingStrategy.self)
            let joining = try reader.array { reader in (try reader.string(), try reader.int() as Int) }
            kind = .offered(
                Offer(
                    lead: lead, rep: rep, rule: rule, priority: priority, slaDeadline: deadline, poolKey: poolKey,
                    strategy: strategy, joining: Dictionary(joining, uniquingKeysWith: { $1 }),
                    explanation: try reader.explanation()))
        case .queued:
            kind = .queued(
                QueuedLead(
                    lead: try reader.lead(), rule: try reader.string(), priority: try reader.double(),
                    explanation: try reader.explanation()))
        case .accepted: kind = .accepted(lead: try reader.string(), rep: try reader.string())
        case .completed:
            kind = .completed(lead: try reader.string(), rep: try reader.string(), outcome: try reader.string())
        case .expired: kind = .expired(lead: try reader.string(), rep: try reader.string())
        case .released:
            kind = .released(lead: try reader.string(), rep: try reader.string(), reason: try reader.string())
        case .escalated: kind = .escalated(lead: try reader.string(), rule: try reader.string())
        case .archived: kind = .archived(try reader.array { try $0.assignment() }, logEntries: try reader.int())
        }
        guard reader.isAtEnd else { throw StorageError("event \(seq) has trailing bytes") }
        return EngineEvent(seq: seq, time: time, kind: kind)
    }

    static func encode(_ snapshot: EngineSnapshot) throws -> SnapshotBody {
        // The body interns repeated strings; the table goes in front of it so the reader has it first.
        var writer = BinaryWriter(capacity: 1 << 16)
        writer.interning = true
        writer.array(snapshot.presence) { writer, rep in
            writer.optional(rep) { writer, live in
                writer.name(live.status.rawValue)
                writer.int(live.activeCalls)
                writer.optional(live.capacityOverride) { $0.int($1) }
                writer.int(live.assignedToday)
                writer.int(live.assignedDay)
                writer.timestamp(live.lastActivity)
                writer.timestamp(live.availableSince)
            }
        }
        let segments = assignmentSegments(snapshot.assignments)
        writer.varint(UInt64(segments.count))
        let segmentsAt = writer.count
        writer.array(snapshot.queue) { writer, entry in
            writer.string(entry.lead)
            writer.double(entry.priority)
            writer.timestamp(entry.since)
            writer.varint(entry.seq)
        }
        writer.array(snapshot.pools.sorted { $0.key < $1.key }) { writer, pool in
            writer.string(pool.key)
            writer.optional(pool.value.cursor) { $0.int(Int64($1)) }
            writer.array(pool.value.entries.sorted { $0.key < $1.key }) { writer, entry in
                writer.int(Int64(entry.key))
                writer.int(entry.value.received)
                writer.int(entry.value.credit)
            }
        }
        writer.array(snapshot.completionLog) { $0.string($1) }
        var head = BinaryWriter(capacity: 1 << 16)
        head.varint(UInt64(snapshotVersion))
        head.varint(snapshot.lastSeq)
        head.timestamp(snapshot.lastTime)
        try head.json(snapshot.policy)
        try head.json(snapshot.reps)
        try head.json(snapshot.territories)
        try head.json(snapshot.accountOwners)
        try head.json(snapshot.domainOwners)
        head.array(writer.names) { $0.string($1) }
        var body = SnapshotBody()
        body.append(head.bytes)
        body.append(writer.bytes(in: 0..<segmentsAt))
        for segment in segments {
            body.append(segment.names)
            body.append(segment.records)
        }
        body.append(writer.bytes(in: segmentsAt..<writer.count))
        return body
    }

    /// The assignment records in segments, each with its own name table in front, encoded on every
    /// core at once: records are most of a snapshot, and one thread took 1.6 s for a million. Each
    /// encoder reads only its own stretch of the (immutable, shared) table. The encoders are threads
    /// started here, which inherit the caller's priority (``BackgroundPriority``); a shared queue's
    /// workers would run at full priority beside the event loops.
    ///
    /// Each segment is its name table and record count, then its records: two pieces, so the records
    /// are never copied behind the table, nor out of their writer's buffer (``BinaryWriter/takeChunk()``).
    private static func assignmentSegments(_ table: AssignmentTable) -> [(names: [UInt8], records: ByteChunk)] {
        /// One slot per part, written through a pointer: each encoder touches only its own slot, never a
        /// shared array's header (assigning into a Swift array from several threads at once is a race).
        final class Segments: @unchecked Sendable {
            let encoded: UnsafeMutableBufferPointer<(names: [UInt8], records: ByteChunk?)>
            init(_ count: Int) {
                encoded = .allocate(capacity: count)
                encoded.initialize(repeating: ([], nil))
            }
            deinit {
                encoded.deinitialize()
                encoded.deallocate()
            }
        }
        let count = table.count
        let parts = count < 20_000 ? 1 : max(2, ProcessInfo.processInfo.activeProcessorCount)
        let segments = Segments(parts)
        ParallelParts.run(parts) { part in
            let stretch = (count * part / parts)..<(count * (part + 1) / parts)
            var records = BinaryWriter(capacity: 192 * stretch.count + 64)
            records.interning = true
            table.forEachRecord(at: stretch) { records.assignment($0) }
            var head = BinaryWriter(capacity: 64 * records.names.count + 16)
            head.array(records.names) { $0.string($1) }
            head.varint(UInt64(stretch.count))
            // `run` returns after every part has run, so the caller sees every slot.
            segments.encoded[part] = (head.bytes, records.takeChunk())
        }
        // Every slot is filled by now; a slot is empty only until its part runs.
        return segments.encoded.compactMap { names, records in records.map { (names, $0) } }
    }

    static func decodeSnapshot(_ data: Data) throws -> EngineSnapshot {
        var reader = BinaryReader(data)
        let version = try reader.varint()
        guard (3...UInt64(snapshotVersion)).contains(version) else {
            throw StorageError("unknown snapshot format version \(version)")
        }
        let lastSeq = try reader.varint()
        let lastTime = try reader.timestamp()
        let policy = try reader.json(Policy.self)
        let reps = try reader.json([Rep?].self)
        let territories = try reader.json([Territory].self)
        let accountOwners = try reader.json([String: RepID].self)
        let domainOwners = try reader.json([String: RepID].self)
        reader.names = try reader.array { try $0.string() }
        let presence: [RepPresence?] = try reader.array { reader in
            try reader.optional { reader in
                var live = RepPresence(status: try reader.enumeration(RepStatus.self))
                live.activeCalls = try reader.int()
                live.capacityOverride = try reader.optional { try $0.int() }
                // Before version 5 each rep's open leads followed; loading rebuilds them from the records.
                if version < 5 { _ = try reader.array { try $0.string() } }
                live.assignedToday = try reader.int()
                live.assignedDay = try reader.int()
                live.lastActivity = try reader.timestamp()
                live.availableSince = try reader.timestamp()
                return live
            }
        }
        let assignments = try decodeAssignments(&reader, segmented: version >= 4)
        let queue = try reader.array { reader in
            QueueEntry(
                lead: try reader.string(), priority: try reader.double(), since: try reader.timestamp(),
                seq: try reader.varint())
        }
        let pools = try reader.array { reader in
            let key = try reader.string()
            let cursor: Int32? = try reader.optional { Int32(try $0.int() as Int64) }
            let entries = try reader.array { reader in
                (Int32(try reader.int() as Int64), LedgerEntry(received: try reader.int(), credit: try reader.int()))
            }
            return (key, EngineSnapshot.Pool(cursor: cursor, entries: Dictionary(entries, uniquingKeysWith: { $1 })))
        }
        let completionLog = try reader.array { try $0.string() }
        guard reader.isAtEnd else { throw StorageError("snapshot has trailing bytes") }
        return EngineSnapshot(
            lastSeq: lastSeq, lastTime: lastTime, policy: policy, reps: reps, territories: territories,
            accountOwners: accountOwners, domainOwners: domainOwners, presence: presence, assignments: assignments,
            queue: queue, pools: Dictionary(pools, uniquingKeysWith: { $1 }), completionLog: completionLog)
    }

    /// Decodes the assignment records here while a second thread files them into the persistent table,
    /// chunk by chunk: recovery of a million assignments then takes about as long as the slower of the
    /// two halves instead of their sum. The table is touched only on `filing`'s serial queue.
    private static func decodeAssignments(_ reader: inout BinaryReader, segmented: Bool) throws -> AssignmentTable {
        final class Filing: @unchecked Sendable {
            var table = AssignmentTable()
        }
        let filing = Filing()
        let queue = DispatchQueue(label: "leadrouter.snapshot-filing")
        let chunkSize = 8192
        var chunk: [Assignment] = []
        chunk.reserveCapacity(chunkSize)
        let snapshotNames = reader.names
        for _ in 0..<(segmented ? try reader.count() : 1) {
            if segmented { reader.names = try reader.array { try $0.string() } }
            for _ in 0..<(try reader.count()) {
                chunk.append(try reader.assignment())
                if chunk.count == chunkSize {
                    let full = chunk
                    queue.async { for record in full { filing.table[record.lead.id] = record } }
                    chunk = []
                    chunk.reserveCapacity(chunkSize)
                }
            }
        }
        reader.names = snapshotNames
        let last = chunk
        return queue.sync {
            for record in last { filing.table[record.lead.id] = record }
            return filing.table
        }
    }

    /// The checksum a snapshot body is stored with (see ``SnapshotChecksum``).
    static func checksum(_ data: Data) -> Int64 {
        var checksum = SnapshotChecksum()
        data.withUnsafeBytes { checksum.add($0) }
        return checksum.value
    }

    /// The byte-at-a-time checksum of snapshots written before the word-wise one; still accepted.
    static func bytewiseChecksum(_ data: Data) -> Int64 { data.withUnsafeBytes(SnapshotChecksum.bytewise) }
}
