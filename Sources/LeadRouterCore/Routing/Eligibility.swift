/// Decides whether a rep may take a lead right now, and if not, why not.
///
/// Built once per decision: what the rule requires of this lead (skill names, language) is worked out
/// here, so checking each candidate reads plain values (``RepTraits``, ``RepPresence``) and consults
/// the rep's full profile only for the checks that rep actually needs.
struct Eligibility {
    private let roster: Roster
    private let presence: PresenceTable
    private let traits: [RepTraits]
    private let now: Timestamp
    /// Reps who let this lead expire.
    private let excluded: [RepID]
    /// Skill names this lead needs, with their minimum levels.
    private let requiredSkills: [(name: String, minLevel: Int)]
    private let requiredLanguage: String?

    init(state: EngineState, now: Timestamp, lead: Lead, rule: Rule, excluded: [RepID]) {
        roster = state.roster
        presence = state.presence
        traits = state.roster.traits
        self.now = now
        self.excluded = excluded
        requiredSkills = rule.skills.compactMap { requirement in
            requirement.skillName(for: lead).map { ($0, requirement.minLevel) }
        }
        requiredLanguage = rule.matchLanguage ? lead.language : nil
    }

    func rejection(of index: Int32) -> Explanation.Rejection? {
        guard Int(index) < traits.count, traits[Int(index)].isLoaded, let live = presence[dense: index] else {
            return .unknownRep
        }
        switch live.status {
        case .available: break
        case .offline: return .offline
        case .away: return .away
        case .onCall: return .onCall
        case .wrapUp: return .wrapUp
        }
        let rep = traits[Int(index)]
        if live.openAssignments >= (live.capacityOverride ?? rep.capacity) { return .atCapacity }
        guard
            !excluded.isEmpty || rep.hasDailyCap || rep.hasLeave || rep.hasWorkingHours || !requiredSkills.isEmpty
                || requiredLanguage != nil
        else { return nil }
        return profileRejection(of: roster.profile(index)!, live: live)
    }

    /// The checks that need more than plain values, in the order the explanation reports them.
    private func profileRejection(of profile: RepProfile, live: RepPresence) -> Explanation.Rejection? {
        // Fields are read through the shared profile one at a time: copying the whole `Rep` out would
        // retain every array and string in it.
        if !excluded.isEmpty && excluded.contains(profile.rep.id) { return .previouslyExpired }
        if let cap = profile.rep.dailyCap {
            let day = LocalClock.dayNumber(now, in: profile.rep.workingHours?.timeZone)
            if live.assignedCount(onDay: day) >= cap { return .dailyCap }
        }
        if !profile.rep.outOfOffice.isEmpty && profile.rep.isOutOfOffice(at: now) { return .outOfOffice }
        if let hours = profile.rep.workingHours, !hours.contains(now) { return .outsideHours }
        for requirement in requiredSkills where (profile.rep.skills[requirement.name] ?? 0) < requirement.minLevel {
            return .missingSkill
        }
        if let requiredLanguage, !profile.rep.languages.contains(requiredLanguage) { return .missingLanguage }
        return nil
    }
}
