import HeapModule

extension AssignmentTable {
    /// The first `limit` records in lead-id order whose id comes after `after` (all, when `nil`) and
    /// that `matches`, in that order.
    ///
    /// One pass that keeps the `limit` smallest ids in a heap, instead of sorting every matching
    /// record to cut a page off the front: with a million assignments, listing one page sorted the
    /// million (copying each record) on the event loop. Ids are compared from the table's keys, so a
    /// record whose id cannot make the page is never read.
    public func firstRecords(
        after: LeadID?, limit: Int, where matches: (borrowing Assignment) -> Bool
    ) -> [Assignment] {
        guard limit > 0 else { return [] }
        var smallest = Heap<PageEntry>()
        boxes.forEach { key, box in
            if let after, key.id <= after { return }
            if smallest.count == limit, let largest = smallest.max, key.id >= largest.id { return }
            guard box.visit(matches) else { return }
            smallest.insert(PageEntry(id: key.id, box: copy box))
            if smallest.count > limit { smallest.removeMax() }
        }
        var page: [Assignment] = []
        page.reserveCapacity(smallest.count)
        while let entry = smallest.popMin() { page.append(entry.box.record) }
        return page
    }
}

/// A record on its way into a page, ordered by lead id.
private struct PageEntry: Comparable {
    let id: LeadID
    let box: AssignmentTable.Box

    static func < (lhs: PageEntry, rhs: PageEntry) -> Bool { lhs.id < rhs.id }
    static func == (lhs: PageEntry, rhs: PageEntry) -> Bool { lhs.id == rhs.id }
}
