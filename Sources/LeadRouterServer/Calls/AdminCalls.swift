import LeadRouterCore
import LeadRouterWire
import NIOCore

/// Reps, territories and account owners.
enum AdminCalls {
    static let upsertReps: UnaryMethod = { call in
        let request = try Leadrouter_V1_UpsertRepsRequest(payload: call.payload)
        let reps = try request.reps.map(Rep.init(wire:))
        try call.engine.upsertReps(reps)
        return change(call.engine, changed: reps.count)
    }

    static let removeRep: UnaryMethod = { call in
        let request = try Leadrouter_V1_RemoveRepRequest(payload: call.payload)
        try call.engine.removeRep(request.rep)
        return change(call.engine, changed: 1)
    }

    static let listReps: UnaryMethod = { call in
        let request = try Leadrouter_V1_ListRepsRequest(payload: call.payload)
        let state = call.engine.state
        var reply = Leadrouter_V1_ListRepsReply()
        reply.reps = state.roster.reps.keys.sorted().compactMap { id in
            if !request.team.isEmpty, !(state.roster.reps[id]?.teams.contains(request.team) ?? false) { return nil }
            return repState(id, in: state)
        }
        return reply.payload()
    }

    static let setTerritories: UnaryMethod = { call in
        let request = try Leadrouter_V1_SetTerritoriesRequest(payload: call.payload)
        try call.engine.setTerritories(request.territories.map(Territory.init(wire:)))
        return change(call.engine, changed: request.territories.count)
    }

    static let setAccountOwners: UnaryMethod = { call in
        let request = try Leadrouter_V1_SetAccountOwnersRequest(payload: call.payload)
        try call.engine.setAccountOwners(request.owners.map(AccountOwner.init(wire:)), replace: request.replace)
        return change(call.engine, changed: request.owners.count)
    }

    static let snapshot: UnaryMethod = { call in
        guard let journal = call.server.journal else {
            throw RPCError(
                .failedPrecondition,
                "this server keeps no data folder (in-memory mode), so there is nothing to snapshot")
        }
        // A snapshot is stored in the same file as the journal: asked for while that cannot be
        // written, it would be accepted and silently never written.
        if let refusal = call.server.changeRefusal { throw refusal }
        journal.requestSnapshot()
        return change(call.engine, changed: 0)
    }

    static func change(_ engine: RoutingEngine, changed: Int) -> ByteBuffer {
        var reply = Leadrouter_V1_ChangeReply()
        reply.seq = engine.lastSeq
        reply.changed = UInt32(changed)
        return reply.payload()
    }

    static func repState(_ id: RepID, in state: EngineState) -> Leadrouter_V1_RepState {
        var wire = Leadrouter_V1_RepState()
        guard let profile = state.roster.reps[id], let live = state.presence[id] else { return wire }
        wire.rep = profile.rep.wire
        wire.status = live.status.wire
        wire.activeCalls = Int32(live.activeCalls)
        wire.openAssignments = Int32(live.openAssignments)
        wire.capacity = Int32(live.capacity(of: profile))
        wire.assignedToday = Int32(live.assignedToday)
        return wire
    }
}
