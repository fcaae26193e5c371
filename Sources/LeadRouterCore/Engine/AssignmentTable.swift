/// Assignment records by lead id.
///
/// Records are boxed so that the persistent map's copies (whenever a published snapshot still shares
/// the bucket a change touches) move references, not whole records: copying a 32-entry bucket then
/// costs 32 retains of boxes instead of 32 deep struct copies.
public struct AssignmentTable: Hashable, Sendable, Sequence {
    final class Box: Hashable, Sendable {
        let record: Assignment
        init(_ record: consuming Assignment) { self.record = record }
        /// Lends the record in place (reading `box.record` from outside copies it, retaining every field).
        func visit<Result>(_ body: (borrowing Assignment) throws -> Result) rethrows -> Result { try body(record) }
        static func == (lhs: Box, rhs: Box) -> Bool { lhs === rhs || lhs.record == rhs.record }
        func hash(into hasher: inout Hasher) { hasher.combine(record) }
    }

    /// A lead id with its hash, computed once. The map compares the stored hashes before the ids and
    /// reads them back when it splits a slot, so a new lead's insert neither follows a neighbour's
    /// out-of-line id string (a cache miss) nor hashes that id again.
    struct Key: Hashable, Sendable {
        let id: LeadID
        let hash: Int

        init(_ id: LeadID) {
            self.id = id
            self.hash = id.hashValue
        }

        static func == (lhs: Key, rhs: Key) -> Bool { lhs.hash == rhs.hash && lhs.id == rhs.id }
        func hash(into hasher: inout Hasher) { hasher.combine(id) }
        func _rawHashValue(seed: Int) -> Int { hash }
    }

    private(set) var boxes = ExtendibleHashMap<Key, Box>()

    public init() {}

    public subscript(lead: LeadID) -> Assignment? {
        get { boxes[Key(lead)]?.record }
        set {
            if let newValue {
                boxes.updateValue(Box(newValue), forKey: Key(lead))
            } else {
                boxes.removeValue(forKey: Key(lead))
            }
        }
    }

    /// A lead's place in the table while a change is worked out: the record there now, and the one to
    /// store instead.
    struct Slot: ~Copyable {
        fileprivate var box: Box?

        /// The record there now, copied out (boxes never change).
        var record: Assignment? { box?.record }

        /// Stores `record` in a new box.
        mutating func store(_ record: Assignment) { box = Box(record) }
    }

    /// Changes a lead's record and answers the box the new record went into (`nil` when `body` stored
    /// none): a caller that hands the record on (a route's reply) shares it instead of copying every
    /// field.
    ///
    /// A read and then a write; the second finds the bucket the first brought into cache.
    mutating func update<Result>(_ lead: LeadID, _ body: (inout Slot) -> Result) -> (Box?, Result) {
        update(Key(lead), body)
    }

    /// ``update(_:_:)-(LeadID,_)`` with the lead's key (and so its hash) worked out already.
    mutating func update<Result>(_ lead: Key, _ body: (inout Slot) -> Result) -> (Box?, Result) {
        let before = boxes[lead]
        var slot = Slot(box: before)
        let result = body(&slot)
        if let box = slot.box {
            if box !== before { boxes.updateValue(box, forKey: lead) }
        } else if before != nil {
            boxes.removeValue(forKey: lead)
        }
        return (slot.box, result)
    }

    /// Stores the record of a lead the caller has looked up and not found, in one walk of the map:
    /// ``update(_:_:)`` walks it twice for a lead that is not there, once to find the empty slot and
    /// once to insert into it (about a twentieth of a route's instructions).
    mutating func insertNew(_ record: consuming Assignment, at key: Key) -> Box {
        let box = Box(record)
        let previous = boxes.updateValue(box, forKey: key)
        assert(previous == nil, "lead '\(key.id)' inserted as new over an existing record")
        return box
    }

    /// A lead's record made anew (`make`) when it has none, or changed (`change`) when it has one;
    /// answers the box it went into and what `change` answered (`nil` when the record was made).
    /// `isNew`: the caller looked the lead up and found no record, so it goes in with one walk
    /// (``insertNew(_:at:)``) instead of a lookup first.
    mutating func makeOrChange<Result>(
        _ lead: Key, isNew: Bool, make: () -> Assignment, change: (inout Assignment) -> Result
    ) -> (Box, Result?) {
        if isNew { return (insertNew(make(), at: lead), nil) }
        let (box, result) = update(lead) { slot -> Result? in
            guard var record = slot.record else {
                slot.store(make())
                return nil
            }
            let result = change(&record)
            slot.store(record)
            return result
        }
        return (box!, result)
    }

    /// See ``ExtendibleHashMap/prefetchBuckets(_:)``.
    func prefetch(_ keys: [Key]) { boxes.prefetchBuckets(keys.lazy.map(\.hash)) }

    /// See ``ExtendibleHashMap/prefetchInsertSlots(_:probe:)``.
    func prefetchInsertSlots(_ keys: [Key]) { boxes.prefetchInsertSlots(keys.lazy.map(\.hash)) { $0.hash } }

    /// The box a lead's record is stored in, to share it.
    func box(_ lead: LeadID) -> Box? { box(Key(lead)) }
    func box(_ lead: Key) -> Box? { boxes[lead] }

    public var count: Int { boxes.count }
    public var isEmpty: Bool { boxes.isEmpty }
    public var keys: some Sequence<LeadID> { boxes.lazy.map(\.key.id) }
    public var values: some Sequence<Assignment> { boxes.lazy.map(\.value.record) }

    /// Calls `body` with every record in place, without copying it out: what snapshots and scans use,
    /// since iterating ``values`` from another module goes through unspecialized generic code and
    /// copies each record.
    public func forEachRecord(_ body: (borrowing Assignment) throws -> Void) rethrows {
        try boxes.forEach { _, box in try box.visit(body) }
    }

    /// ``forEachRecord(_:)`` over the records at `positions` in iteration order only: a snapshot's
    /// encoders each take a stretch, and walking the whole table touched every other record's box
    /// too (a cache miss each, the largest cost of encoding).
    public func forEachRecord(at positions: Range<Int>, _ body: (borrowing Assignment) throws -> Void) rethrows {
        try boxes.forEach(at: positions, probe: Self.touch) { _, box in try box.visit(body) }
    }

    /// Reads a little of each object a record's encoding reads: its box, its lead's storage and its
    /// explanation's fields (see ``ExtendibleHashMap/forEach(at:probe:_:)``).
    private static func touch(_ box: borrowing Box) -> Int {
        box.visit { record in
            Int(truncatingIfNeeded: record.seq) &+ Int(record.lead.createdAt.millis)
                &+ record.explanation.policyVersion.utf8.count &+ record.explanation.rulesNotMatched.count
                &+ record.explanation.stages.count
        }
    }

    public func makeIterator() -> some IteratorProtocol<(key: LeadID, value: Assignment)> {
        boxes.lazy.map { (key: $0.key.id, value: $0.value.record) }.makeIterator()
    }

    public static func == (lhs: AssignmentTable, rhs: AssignmentTable) -> Bool { lhs.boxes == rhs.boxes }
    public func hash(into hasher: inout Hasher) { hasher.combine(count) }
}
