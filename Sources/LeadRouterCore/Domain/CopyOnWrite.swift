/// A value kept in one heap box that copies share, and copied the first time a shared one changes.
///
/// For values that are copied far more often than changed and hold many references (``Explanation``;
/// ``Lead`` keeps its own block, ``LeadStorage``): a copy is one retain instead of one per string and
/// collection inside.
/// `@unchecked Sendable`: the box is changed only through ``value``'s `_modify`, by a holder that has
/// it alone (`isKnownUniquelyReferenced`), so a box shared between threads is never written.
struct CopyOnWrite<Value: Sendable>: @unchecked Sendable {
    private final class Box {
        /// Unchecked: the only write is ``value``'s `_modify` on a box its holder has alone, so no
        /// access to a box can overlap a write to it; a checked class property paid a run-time
        /// exclusivity check (`swift_beginAccess`) on every read of a lead's or explanation's field.
        @exclusivity(unchecked) var value: Value
        init(_ value: Value) { self.value = value }
    }

    private var box: Box

    init(_ value: Value) { box = Box(value) }

    var value: Value {
        // Borrowed, not copied: reading one field does not retain every reference in the value.
        _read { yield box.value }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.value) }
            yield &box.value
        }
    }

    /// Whether both share one box (and so are equal without comparing the values).
    func isIdentical(to other: CopyOnWrite) -> Bool { box === other.box }
}
