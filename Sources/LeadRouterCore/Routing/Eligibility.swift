/// Decides whether a rep may take a lead right now, and if not, why not.
struct Eligibility {
    let state: EngineState
    let now: Timestamp
    let lead: Lead
    let rule: Rule
    /// Reps who let this lead expire.
    let excluded: [RepID]

    func rejection(of index: Int32) -> Explanation.Rejection? {
        guard let profile = state.roster.profile(index), let live = state.presence[dense: index] else {
            return .unknownRep
        }
        switch live.status {
        case .available: break
        case .offline: return .offline
        case .away: return .away
        case .onCall: return .onCall
        case .wrapUp: return .wrapUp
        }
        // Fields are read through the shared profile one at a time: copying the whole `Rep` out would
        // retain every array and string in it, per candidate.
        if live.openAssignments >= live.capacity(of: profile) { return .atCapacity }
        if !excluded.isEmpty && excluded.contains(profile.rep.id) { return .previouslyExpired }
        if let cap = profile.rep.dailyCap {
            let day = LocalClock.dayNumber(now, in: profile.rep.workingHours?.timeZone)
            if live.assignedCount(onDay: day) >= cap { return .dailyCap }
        }
        if !profile.rep.outOfOffice.isEmpty && profile.rep.isOutOfOffice(at: now) { return .outOfOffice }
        if let hours = profile.rep.workingHours, !hours.contains(now) { return .outsideHours }
        for requirement in rule.skills {
            guard let skill = requirement.skillName(for: lead) else { continue }
            if (profile.rep.skills[skill] ?? 0) < requirement.minLevel { return .missingSkill }
        }
        if rule.matchLanguage, let language = lead.language, !profile.rep.languages.contains(language) {
            return .missingLanguage
        }
        return nil
    }
}
