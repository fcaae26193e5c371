/// Decides whether a rep may take a lead right now, and if not, why not.
struct Eligibility {
    let state: EngineState
    let now: Timestamp
    let lead: Lead
    let rule: Rule
    /// Reps who let this lead expire.
    let excluded: [RepID]

    func rejection(of id: RepID) -> Explanation.Rejection? {
        guard let rep = state.roster.reps[id], let live = state.presence[id] else { return .unknownRep }
        switch live.status {
        case .available: break
        case .offline: return .offline
        case .away: return .away
        case .onCall: return .onCall
        case .wrapUp: return .wrapUp
        }
        if excluded.contains(id) { return .previouslyExpired }
        if live.openAssignments >= live.capacity(of: rep) { return .atCapacity }
        if let cap = rep.dailyCap {
            let day = LocalClock.dayNumber(now, in: rep.workingHours?.timeZone)
            if live.assignedCount(onDay: day) >= cap { return .dailyCap }
        }
        if !rep.outOfOffice.isEmpty && rep.isOutOfOffice(at: now) { return .outOfOffice }
        if let hours = rep.workingHours, !hours.contains(now) { return .outsideHours }
        for requirement in rule.skills {
            guard let skill = requirement.skillName(for: lead) else { continue }
            if (rep.skills[skill] ?? 0) < requirement.minLevel { return .missingSkill }
        }
        if rule.matchLanguage, let language = lead.language, !rep.languages.contains(language) {
            return .missingLanguage
        }
        return nil
    }
}
