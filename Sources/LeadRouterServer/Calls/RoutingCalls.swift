import LeadRouterCore
import LeadRouterWire
import NIOCore

/// Route, Reassign, SetAvailability, Accept, Complete: the hot path.
enum RoutingCalls {
    static let route: UnaryMethod = { call in
        let (lead, explain) = try decodeRoute(call.payload, clock: call.engine.clock)
        return routeReply(try call.engine.route(lead, detailed: explain ? true : nil))
    }

    /// A Route request's lead and whether it asks for the full explanation.
    static func decodeRoute(_ payload: ByteBuffer, clock: any EngineClock) throws -> (lead: Lead, explain: Bool) {
        let request = try RouteRequestFields(payload: payload, now: clock.now())
        return (request.lead, request.explain)
    }

    /// A RouteReply for `result`, encoded from the record in place. `created` defaults to whether the
    /// call made the assignment (a reassignment always answers `false`).
    @Sendable static func routeReply(_ result: RouteResult, created: Bool? = nil) -> ByteBuffer {
        result.withAssignment { $0.routeReplyPayload(created: created ?? result.isNew) }
    }

    static let reassign: UnaryMethod = { call in
        let request = try Leadrouter_V1_ReassignRequest(payload: call.payload)
        guard !request.leadID.isEmpty else { throw RPCError(.invalidArgument, "lead_id is required") }
        let result = try call.engine.reassign(
            request.leadID, reason: request.reason.isEmpty ? "reassigned" : request.reason)
        return routeReply(result, created: false)
    }

    static let setAvailability: UnaryMethod = { call in
        let request = try Leadrouter_V1_SetAvailabilityRequest(payload: call.payload)
        guard !request.rep.isEmpty else { throw RPCError(.invalidArgument, "rep is required") }
        let status = try RepStatus(wire: request.status)
        let events = try call.engine.setAvailability(
            request.rep, status: status, activeCalls: request.hasActiveCalls ? Int(request.activeCalls) : nil,
            capacity: request.hasCapacity ? Int(request.capacity) : nil)
        var reply = Leadrouter_V1_SetAvailabilityReply()
        reply.rep = call.engine.read { AdminCalls.repState(request.rep, in: $0) }
        reply.seq = events.last?.seq ?? call.engine.lastSeq
        reply.dispatchedLeads = events.compactMap {
            if case .offered(let offer) = $0.kind { return offer.lead.id }
            return nil
        }
        return reply.payload()
    }

    static let accept: UnaryMethod = { call in
        let request = try Leadrouter_V1_AcceptRequest(payload: call.payload)
        let record = try call.engine.accept(request.leadID, by: request.rep.isEmpty ? nil : request.rep)
        var reply = Leadrouter_V1_AssignmentReply()
        reply.assignment = record.wire
        return reply.payload()
    }

    static let complete: UnaryMethod = { call in
        let request = try Leadrouter_V1_CompleteRequest(payload: call.payload)
        guard !request.outcome.isEmpty else {
            throw RPCError(.invalidArgument, "outcome is required (e.g. won, lost, no_answer)")
        }
        let record = try call.engine.complete(
            request.leadID, outcome: request.outcome, by: request.rep.isEmpty ? nil : request.rep)
        var reply = Leadrouter_V1_AssignmentReply()
        reply.assignment = record.wire
        return reply.payload()
    }
}
