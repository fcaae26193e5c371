import Testing

@testable import LeadRouterCore

/// Checks that must hold for any engine state and any event history.
enum InvariantChecks {
    /// Open counts match the records, nobody is over capacity, and no lead is held by two reps.
    static func checkState(_ state: EngineState, sourceLocation: SourceLocation = #_sourceLocation) {
        var open: [RepID: Int] = [:]
        for (lead, record) in state.assignments where record.state == .offered || record.state == .accepted {
            guard let rep = record.rep else {
                Issue.record("open lead \(lead) has no rep", sourceLocation: sourceLocation)
                continue
            }
            open[rep, default: 0] += 1
            #expect(
                state.openLeads(of: rep).contains(lead), "lead \(lead) missing from \(rep)'s open set",
                sourceLocation: sourceLocation)
        }
        var holders: [LeadID: RepID] = [:]
        for (rep, live) in state.presence.all {
            let leads = state.openLeads(of: rep)
            #expect(
                leads.count == live.openAssignments, "rep \(rep) open list vs count", sourceLocation: sourceLocation)
            for lead in leads {
                if let other = holders.updateValue(rep, forKey: lead) {
                    Issue.record("lead \(lead) held by \(other) and \(rep)", sourceLocation: sourceLocation)
                }
            }
        }
        for (id, live) in state.presence.all {
            #expect(
                live.openAssignments == open[id, default: 0], "rep \(id) open count", sourceLocation: sourceLocation)
            if let rep = state.roster.reps[id] {
                #expect(
                    live.openAssignments <= live.capacity(of: rep), "rep \(id) over capacity",
                    sourceLocation: sourceLocation)
            }
        }
        var waitingByRule: [String: Int] = [:]
        for (lead, entry) in state.queue {
            #expect(state.assignments[lead]?.state == .queued && entry.lead == lead, sourceLocation: sourceLocation)
            if let rule = state.assignments[lead]?.rule { waitingByRule[rule, default: 0] += 1 }
        }
        #expect(
            state.queueClasses.waitingByRule == waitingByRule, "waiting leads counted by rule",
            sourceLocation: sourceLocation)
    }

    /// Replays the events one by one and checks every offer against the state just before it:
    /// the rep was available, under capacity and daily cap, and had not let the lead expire.
    static func checkOffers(_ events: [EngineEvent], sourceLocation: SourceLocation = #_sourceLocation) throws {
        var state = EngineState()
        for event in events {
            if case .offered(let offer) = event.kind {
                let previous = state.assignments[offer.lead.id]
                #expect(
                    previous == nil || previous?.state == .queued, "offer \(event.seq) of a lead another rep holds",
                    sourceLocation: sourceLocation)
                let live = try #require(state.presence[offer.rep], sourceLocation: sourceLocation)
                let rep = try #require(state.roster.reps[offer.rep], sourceLocation: sourceLocation)
                #expect(
                    live.status == .available, "offer \(event.seq) to \(offer.rep) while \(live.status)",
                    sourceLocation: sourceLocation)
                #expect(
                    live.openAssignments < live.capacity(of: rep), "offer \(event.seq) over capacity",
                    sourceLocation: sourceLocation)
                let expired = state.assignments[offer.lead.id]?.expiredReps ?? []
                #expect(
                    !expired.contains(offer.rep), "offer \(event.seq) back to a rep who let it expire",
                    sourceLocation: sourceLocation)
            }
            try state.apply(event)
        }
    }
}
