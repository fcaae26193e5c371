import LeadRouterCore
import LeadRouterWire
import NIOCore

/// Reads: one assignment, a filtered page of them, stats, health.
enum QueryCalls {
    static let getAssignment: UnaryMethod = { call in
        let request = try Leadrouter_V1_GetAssignmentRequest(payload: call.payload)
        // Completed assignments archived out of memory are answered from SQLite history.
        guard
            let record = try call.engine.read({ $0.assignments[request.leadID] })
                ?? call.server.journal?.store.history(lead: request.leadID)
        else {
            throw RPCError(.notFound, "lead '\(request.leadID)' has never been routed")
        }
        var reply = Leadrouter_V1_AssignmentReply()
        reply.assignment = record.wire
        return reply.payload()
    }

    /// A scan (``ScanMethod``): a page of a million assignments takes tenths of a second to find.
    static let listAssignments: ScanMethod = { call in
        let request = try Leadrouter_V1_ListAssignmentsRequest(payload: call.payload)
        let pageSize = Int(request.pageSize == 0 ? 100 : min(request.pageSize, 1000))
        if !request.state.isEmpty, AssignmentState(rawValue: request.state) == nil {
            throw RPCError(
                .invalidArgument, "state must be queued, offered, accepted or completed, not '\(request.state)'")
        }
        let state = call.engine.state
        let store = call.server.journal?.store
        return {
            let wanted = { (record: borrowing Assignment) in
                (request.rep.isEmpty || record.rep == request.rep)
                    && (request.state.isEmpty || record.state.rawValue == request.state)
                    && (request.rule.isEmpty || record.rule == request.rule)
            }
            // Ordered by lead id; the page token is the last id of the previous page.
            var page = state.assignments.firstRecords(
                after: request.pageToken.isEmpty ? nil : request.pageToken, limit: pageSize + 1, where: wanted)
            if let store, request.state.isEmpty || request.state == "completed" {
                let archived = try store.history(
                    after: request.pageToken, rep: request.rep.isEmpty ? nil : request.rep, limit: (pageSize + 1) * 4)
                page = Array(
                    (page + archived.filter { wanted($0) }).sorted { $0.lead.id < $1.lead.id }.prefix(pageSize + 1))
            }
            var reply = Leadrouter_V1_ListAssignmentsReply()
            reply.assignments = page.prefix(pageSize).map(\.wire)
            if page.count > pageSize, let last = reply.assignments.last { reply.nextPageToken = last.lead.id }
            return reply.payload()
        }
    }

    /// A scan (``ScanMethod``): it reads every assignment.
    static let stats: ScanMethod = { call in
        let state = call.engine.state
        return { statsReply(state) }
    }

    private static func statsReply(_ state: EngineState) -> ByteBuffer {
        var reply = Leadrouter_V1_StatsReply()
        reply.lastSeq = state.lastSeq
        reply.queueDepth = UInt32(state.queue.count)
        reply.totalAssignments = UInt32(state.assignments.count)
        var open = 0
        var toAssign: [Int64] = []
        var toAccept: [Int64] = []
        state.assignments.forEachRecord { record in
            if record.state == .offered || record.state == .accepted { open += 1 }
            if let millis = record.timeToAssignMillis { toAssign.append(millis) }
            if let millis = record.timeToAcceptMillis { toAccept.append(millis) }
        }
        reply.openAssignments = UInt32(open)
        reply.accepted = UInt32(toAccept.count)
        (reply.timeToAssignP50Ms, reply.timeToAssignP99Ms) = percentiles(toAssign)
        (reply.timeToAcceptP50Ms, reply.timeToAcceptP99Ms) = percentiles(toAccept)
        reply.reps = repStats(state)
        return reply.payload()
    }

    /// A point read (`read`, not `state`): probes poll this every few seconds, and publishing the
    /// state for each made the next commits copy every part of it they touched.
    static let health: UnaryMethod = { call in
        var reply = Leadrouter_V1_HealthReply()
        if call.server.draining.load(ordering: .relaxed) {
            reply.status = "DRAINING"
            reply.reason = "the server is shutting down; connect to another instance"
        } else if let problem = call.server.journal?.outage.problem {
            reply.status = "READ_ONLY"
            reply.reason =
                "\(problem): changes are refused, reads are served; make room for the data folder (disk space, file-size limit), the server retries the journal by itself"
        } else {
            reply.status = "SERVING"
        }
        reply.version = call.server.configuration.version
        (reply.lastSeq, reply.reps, reply.policyVersion) = call.engine.read { state in
            (state.lastSeq, UInt32(state.roster.reps.count), state.policy.policy.version)
        }
        return reply.payload()
    }

    private static func percentiles(_ values: [Int64]) -> (Double, Double) {
        guard !values.isEmpty else { return (0, 0) }
        let sorted = values.sorted()
        let at = { (fraction: Double) in Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]) }
        return (at(0.5), at(0.99))
    }

    /// Each rep's load, and their share of the leads given through the pools they belong to against
    /// the share their weight entitles them to.
    private static func repStats(_ state: EngineState) -> [Leadrouter_V1_RepStats] {
        FairnessShares.of(state).map { fairness in
            var stats = Leadrouter_V1_RepStats()
            stats.rep = fairness.rep
            if let live = state.presence[fairness.rep], let profile = state.roster.reps[fairness.rep] {
                stats.status = live.status.rawValue
                stats.openAssignments = Int32(live.openAssignments)
                stats.capacity = Int32(live.capacity(of: profile))
            }
            stats.received = Int32(fairness.received)
            stats.share = fairness.share
            stats.target = fairness.target
            return stats
        }
    }
}
