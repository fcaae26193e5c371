/// Decides whether a rep may take a lead right now, and if not, why not.
///
/// Built once per decision: what the rule requires of this lead (skill names, language) is worked out
/// here, so checking each candidate reads plain values (``RepTraits``, ``RepPresence``) and consults
/// the rep's full profile only for the checks that rep actually needs. The roster and live presence
/// are lent by the decider for each check rather than stored: storing them retained each of their
/// references once per decision, and released them again.
struct Eligibility {
    /// The roster's, held here: read once per candidate, and reading it through the roster retained it
    /// each time.
    private let traits: [RepTraits]
    private let now: Timestamp
    /// What this decision asks beyond status, capacity and the rep's own limits; `nil` for most
    /// decisions, which ask nothing more. One optional reference, not three lists: the lists were each
    /// destroyed through their type's value witness at the end of every decision (about 250
    /// instructions a route).
    private let requirements: Requirements?

    final class Requirements {
        /// Reps who let this lead expire.
        let excluded: [RepID]
        /// Every rep's level in each skill this lead needs (`nil` when no rep has it), with the minimum.
        let skills: [(levels: [SkillLevel]?, minLevel: SkillLevel)]
        /// Who speaks the lead's language, when the rule asks for it (an empty list when no one does).
        let language: [Bool]?

        init(excluded: [RepID], skills: [(levels: [SkillLevel]?, minLevel: SkillLevel)], language: [Bool]?) {
            self.excluded = excluded
            self.skills = skills
            self.language = language
        }
    }

    init(
        roster: borrowing Roster, now: Timestamp, lead: borrowing Lead, rule compiled: borrowing CompiledRule,
        excluded: borrowing [RepID]
    ) {
        // Read through the shared rule: copying the `Rule` out retained each of its fields.
        traits = roster.traits
        self.now = now
        guard !excluded.isEmpty || compiled.hasRequirements else {
            requirements = nil
            return
        }
        let rule = compiled.rule
        let skills = rule.skills.compactMap { requirement in
            requirement.skillName(for: lead).map { (roster.skillLevels[$0], SkillLevel(requirement.minLevel)) }
        }
        let language = rule.matchLanguage ? lead.language.map { roster.languageSpeakers[$0] ?? [] } : nil
        requirements =
            excluded.isEmpty && skills.isEmpty && language == nil
            ? nil : Requirements(excluded: copy excluded, skills: skills, language: language)
    }

    /// What no lead changes of `rule`'s eligibility: a rep it rejects could take no lead of the rule
    /// (``RouteDecider/couldTakeSomeLead(of:rep:)``). Only the skills it names are asked for; a skill
    /// named by a lead's field, the lead's language and the reps who let it expire depend on the lead.
    init(roster: borrowing Roster, now: Timestamp, anyLeadOf compiled: borrowing CompiledRule) {
        traits = roster.traits
        self.now = now
        let skills = compiled.rule.skills.compactMap { requirement in
            requirement.skill.map { (roster.skillLevels[$0], SkillLevel(requirement.minLevel)) }
        }
        requirements = skills.isEmpty ? nil : Requirements(excluded: [], skills: skills, language: nil)
    }

    /// Why the rep at `index` of `roster` may not take the lead now; `nil` when they may.
    func rejection(of index: Int32, in roster: Roster, _ presence: PresenceTable) -> Explanation.Rejection? {
        if let rejection = ruleRejection(of: index) { return rejection }
        guard let live = presence[dense: index] else { return .unknownRep }
        return rejection(of: index, live: live, in: roster)
    }

    /// Why the rep at `index` could never take this lead under this rule, whatever they are doing:
    /// not loaded, or without a required skill or the lead's language. Checked before anything live,
    /// reading flat arrays only, so a member who lacks what the rule asks costs no read of their live
    /// values. It is also the more useful reason: an offline rep without the skill would not have had
    /// the lead online either.
    @inline(__always)
    func ruleRejection(of index: Int32) -> Explanation.Rejection? {
        guard Int(index) < traits.count, traits[Int(index)].isLoaded else { return .unknownRep }
        guard let requirements else { return nil }
        for requirement in requirements.skills
        where (requirement.levels?[Int(index)] ?? SkillLevel(0)) < requirement.minLevel {
            return .missingSkill
        }
        if let language = requirements.language, Int(index) >= language.count || !language[Int(index)] {
            return .missingLanguage
        }
        return nil
    }

    /// Why a rep who passed ``ruleRejection(of:)``, and whose live values are `live`, may not take the
    /// lead now.
    @inline(__always)
    func rejection(of index: Int32, live: RepPresence, in roster: Roster) -> Explanation.Rejection? {
        switch live.status {
        case .available: break
        case .offline: return .offline
        case .away: return .away
        case .onCall: return .onCall
        case .wrapUp: return .wrapUp
        }
        let rep = traits[Int(index)]
        if live.openAssignments >= (live.capacityOverride ?? rep.capacity) { return .atCapacity }
        if requirements?.excluded.isEmpty == false || rep.hasDailyCap || rep.hasLeave || rep.hasWorkingHours,
            let rejection = profileRejection(of: roster.profile(index)!, live: live)
        {
            return rejection
        }
        return nil
    }

    /// The checks that need the rep's profile, in the order the explanation reports them (after the
    /// rule's requirements and the live status and capacity).
    private func profileRejection(of profile: RepProfile, live: RepPresence) -> Explanation.Rejection? {
        // Fields are read through the shared profile one at a time: copying the whole `Rep` out would
        // retain every array and string in it.
        if let excluded = requirements?.excluded, excluded.contains(profile.rep.id) { return .previouslyExpired }
        if let cap = profile.rep.dailyCap {
            let day = LocalClock.dayNumber(now, in: profile.rep.workingHours?.timeZone)
            if live.assignedCount(onDay: day) >= cap { return .dailyCap }
        }
        if !profile.rep.outOfOffice.isEmpty && profile.rep.isOutOfOffice(at: now) { return .outOfOffice }
        if let hours = profile.rep.workingHours, !hours.contains(now) { return .outsideHours }
        return nil
    }
}
