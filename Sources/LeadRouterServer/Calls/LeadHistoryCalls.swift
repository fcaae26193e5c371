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
        let events = KeptEvents(engine: call.engine, store: store)
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
}
