import LeadRouterCore

extension EngineEvent {
    /// The stream form of an event.
    public var wire: Leadrouter_V1_AssignmentEvent {
        var wire = Leadrouter_V1_AssignmentEvent()
        wire.seq = seq
        wire.timeMs = time.millis
        wire.leadID = lead ?? ""
        wire.rep = rep ?? ""
        switch kind {
        case .offered(let offer):
            wire.kind = "offered"
            wire.rule = offer.rule
            wire.slaDeadlineMs = offer.slaDeadline.millis
            wire.lead = offer.lead.wire
        case .queued(let queued):
            wire.kind = "queued"
            wire.rule = queued.rule
            wire.lead = queued.lead.wire
        case .accepted:
            wire.kind = "accepted"
        case .completed(_, _, let outcome):
            wire.kind = "completed"
            wire.detail = outcome
        case .expired:
            wire.kind = "expired"
        case .released(_, _, let reason):
            wire.kind = "released"
            wire.detail = reason
        case .escalated(_, let rule):
            wire.kind = "escalated"
            wire.rule = rule
        case .availabilityChanged(let change):
            wire.kind = "availability"
            wire.detail = change.status.rawValue
        case .repsUpserted(let reps):
            wire.kind = "admin"
            wire.detail = "\(reps.count) reps upserted"
        case .repRemoved:
            wire.kind = "admin"
            wire.detail = "rep removed"
        case .territoriesSet(let territories):
            wire.kind = "admin"
            wire.detail = "\(territories.count) territories set"
        case .accountOwnersSet(let owners, _):
            wire.kind = "admin"
            wire.detail = "\(owners.count) account owners set"
        case .policyApplied(let policy):
            wire.kind = "admin"
            wire.detail = "policy \(policy.version) applied"
        case .archived(let records, _):
            wire.kind = "archived"
            wire.detail = "\(records.count) completed assignments moved to history"
        }
        return wire
    }
}
