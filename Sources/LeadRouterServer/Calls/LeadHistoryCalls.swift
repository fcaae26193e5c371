import LeadRouterCore
import LeadRouterStorage
import LeadRouterWire
import NIOCore

/// `GetLeadHistory`: every kept event of one lead, oldest first, so an admin can see where a lead
/// went and when (each offer, miss, release, escalation, acceptance and completion), not only where
/// it is now. A scan: it reads the events from around the lead's arrival to its last change.
enum LeadHistoryCalls {
    /// How far before the lead's creation time (or first offer, if earlier) the search starts: a
    /// caller's `created_at_ms` comes from its own clock, which may run ahead of the server's.
    static let clockSlack: Int64 = 5 * 60 * 1000
    /// Events read at a time.
    static let batch = 4096

    static let leadHistory: ScanMethod = { call in
        let request = try Leadrouter_V1_LeadHistoryRequest(payload: call.payload)
        let store = call.server.journal?.store
        guard
            let record = try call.engine.read({ $0.assignments[request.leadID] })
                ?? store?.history(lead: request.leadID)
        else {
            throw RPCError(.notFound, "lead '\(request.leadID)' has never been routed")
        }
        let events = Events(engine: call.engine, store: store)
        return {
            var reply = Leadrouter_V1_LeadHistoryReply()
            let arrival = min(record.lead.createdAt, record.offeredAt ?? record.lead.createdAt)
            let search = try events.firstSeq(at: Timestamp(millis: arrival.millis - clockSlack), through: record.seq)
            reply.complete = search.complete
            var last = search.seq - 1
            reading: while last < record.seq {
                guard let read = try events.after(last, limit: batch), !read.isEmpty else { break }
                for event in read {
                    if event.seq > record.seq { break reading }
                    if event.lead == request.leadID { reply.events.append(event.wire) }
                }
                last = read.last!.seq
            }
            return reply.payload()
        }
    }

    /// The kept events: the in-memory history, then (on a durable server) the journal behind it.
    struct Events: Sendable {
        let engine: RoutingEngine
        let store: JournalStore?

        /// Events after `seq`, in order; `nil` when the next one is kept nowhere.
        func after(_ seq: UInt64, limit: Int) throws -> [EngineEvent]? {
            if let events = engine.events(after: seq, limit: limit) { return events }
            guard let events = try store?.events(after: seq, limit: limit), events.first?.seq == seq + 1 else {
                return nil
            }
            return events
        }

        /// The oldest sequence number still kept anywhere.
        func oldest() throws -> UInt64 {
            let journal = try store?.oldestJournalSeq ?? 0
            return journal > 0 ? min(journal, engine.oldestRetainedSeq) : engine.oldestRetainedSeq
        }

        /// The first kept event at or after `time` (event times follow sequence numbers), searched by
        /// halves up to `last`; `complete` is false when events before the oldest kept one might
        /// still have been at or after `time`.
        func firstSeq(at time: Timestamp, through last: UInt64) throws -> (seq: UInt64, complete: Bool) {
            var low = try oldest()
            var high = last
            guard let oldest = try after(low - 1, limit: 1)?.first else { return (low, low <= 1) }
            if oldest.time >= time { return (low, low <= 1) }
            // Invariant: the event at `low` is before `time`; the answer is in (low, high].
            while high - low > 1 {
                let middle = low + (high - low) / 2
                guard let event = try after(middle - 1, limit: 1)?.first else { return (low, false) }
                if event.time >= time { high = middle } else { low = middle }
            }
            return (high, true)
        }
    }
}
