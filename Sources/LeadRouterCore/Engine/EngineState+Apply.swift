import HashTreeCollections

extension EngineState {
    /// Applies one event. Every change to the state goes through here, live and in replay alike; the
    /// function reads nothing but the state and the event, so the same events give the same state.
    public mutating func apply(_ event: EngineEvent) throws {
        guard event.seq == lastSeq + 1 else {
            throw RoutingError(.dataLoss, "event \(event.seq) does not follow \(lastSeq): the event history has a gap")
        }
        lastSeq = event.seq
        lastTime = max(lastTime, event.time)
        let time = event.time
        switch event.kind {
        case .repsUpserted(let reps):
            roster = roster.upserting(reps)
            for rep in reps where presence[rep.id] == nil {
                presence[rep.id] = RepPresence(status: .offline, lastActivity: time)
            }
        case .repRemoved(let rep):
            roster = roster.removing(rep)
            presence[rep] = nil
            openByRep[rep] = nil
            for key in ledger.keys where ledger[key]?[rep] != nil { ledger[key]![rep] = nil }
        case .territoriesSet(let territories):
            roster = roster.replacingTerritories(territories)
        case .accountOwnersSet(let owners, let replace):
            roster = roster.settingOwners(owners, replacing: replace)
        case .policyApplied(let newPolicy):
            policy = CompiledPolicy(newPolicy)
        case .availabilityChanged(let change):
            applyAvailability(change, at: time)
        case .offered(let offer):
            applyOffer(offer, seq: event.seq, at: time)
        case .queued(let waiting):
            var record =
                assignments[waiting.lead.id] ?? makeRecord(for: waiting.lead, rule: waiting.rule, priority: waiting.priority)
            record.state = .queued
            record.rep = nil
            record.seq = event.seq
            record.explanation = waiting.explanation
            assignments[waiting.lead.id] = record
            // A lead keeps its place when re-queued, so age ordering survives failed dispatches.
            let since = queue[waiting.lead.id]?.since ?? time
            queue[waiting.lead.id] = QueueEntry(
                lead: waiting.lead.id, priority: waiting.priority, since: since, seq: event.seq)
        case .accepted(let lead, _):
            update(lead, seq: event.seq) { record in
                record.state = .accepted
                record.acceptedAt = time
            }
            clearDeadline(of: lead)
        case .completed(let lead, let rep, let outcome):
            clearDeadline(of: lead)
            update(lead, seq: event.seq) { record in
                record.state = .completed
                record.completedAt = time
                record.outcome = outcome
            }
            releaseSlot(of: rep, lead: lead, at: time)
        case .expired(let lead, let rep):
            clearDeadline(of: lead)
            update(lead, seq: event.seq) { record in
                record.expiredReps.append(rep)
                record.misses += 1
                record.rep = nil
                record.state = .queued
            }
            releaseSlot(of: rep, lead: lead, at: nil)
        case .released(let lead, let rep, _):
            clearDeadline(of: lead)
            update(lead, seq: event.seq) { record in
                record.rep = nil
                record.state = .queued
            }
            releaseSlot(of: rep, lead: lead, at: nil)
        case .escalated(let lead, _):
            update(lead, seq: event.seq) { $0.escalated = true }
        }
    }

    private mutating func applyOffer(_ offer: Offer, seq: UInt64, at time: Timestamp) {
        var record = assignments[offer.lead.id] ?? makeRecord(for: offer.lead, rule: offer.rule, priority: offer.priority)
        record.lead = offer.lead
        record.rule = offer.rule
        record.priority = offer.priority
        record.state = .offered
        record.rep = offer.rep
        record.seq = seq
        record.offeredAt = record.offeredAt ?? time
        record.slaDeadline = offer.slaDeadline
        record.explanation = offer.explanation
        assignments[offer.lead.id] = record
        queue[offer.lead.id] = nil
        slaBuckets[offer.slaDeadline.seconds, default: []].insert(offer.lead.id)
        openByRep[offer.rep, default: []].insert(offer.lead.id)

        if var live = presence[offer.rep] {
            let day = LocalClock.dayNumber(time, in: roster.reps[offer.rep]?.workingHours?.timeZone)
            live.assignedToday = live.assignedCount(onDay: day) + 1
            live.assignedDay = day
            live.openAssignments += 1
            live.lastActivity = time
            presence[offer.rep] = live
        }
        if offer.strategy == .roundRobin { cursors[offer.poolKey] = offer.rep }
        var entries = ledger[offer.poolKey] ?? [:]
        for (rep, credit) in offer.joining where entries[rep] == nil { entries[rep] = LedgerEntry(received: 0, credit: credit) }
        entries[offer.rep, default: LedgerEntry()].received += 1
        ledger[offer.poolKey] = entries
    }

    private mutating func applyAvailability(_ change: AvailabilityChange, at time: Timestamp) {
        guard var live = presence[change.rep] else { return }
        let wasAbsent = live.status == .away || live.status == .offline
        let callEnded = change.activeCalls < live.activeCalls || (live.status == .onCall && change.status != .onCall)
        live.status = change.status
        live.activeCalls = change.activeCalls
        if let capacity = change.capacity { live.capacityOverride = capacity }
        if callEnded { live.lastActivity = time }
        if wasAbsent && change.status == .available {
            live.availableSince = time
            presence[change.rep] = live
            calibrate(change.rep)
        } else {
            presence[change.rep] = live
        }
    }

    /// Lifts a returning rep's ledger standing in every pool to the least-served available member's
    /// level (scaled by weight), so they get their fair share from now on without a catch-up flood.
    private mutating func calibrate(_ rep: RepID) {
        let weight = roster.reps[rep]?.weight ?? 1
        for (poolKey, entries) in ledger where entries[rep] != nil {
            var lowestRatio: Double?
            for (member, entry) in entries where member != rep && presence[member]?.status == .available {
                let ratio = Double(entry.effective) / max(roster.reps[member]?.weight ?? 1, 0.0001)
                lowestRatio = min(lowestRatio ?? ratio, ratio)
            }
            guard let lowestRatio else { continue }
            let level = Int((lowestRatio * weight).rounded(.down))
            var entry = entries[rep]!
            if entry.effective < level {
                entry.credit += level - entry.effective
                ledger[poolKey]![rep] = entry
            }
        }
    }

    private func makeRecord(for lead: Lead, rule: String, priority: Double) -> Assignment {
        Assignment(
            lead: lead, state: .queued, rep: nil, rule: rule, seq: 0, priority: priority, offeredAt: nil,
            acceptedAt: nil, completedAt: nil, slaDeadline: nil, expiredReps: [], misses: 0, escalated: false,
            outcome: nil, explanation: Explanation(policyVersion: policy.policy.version, rule: rule, rulesNotMatched: []))
    }

    private mutating func update(_ lead: LeadID, seq: UInt64, _ change: (inout Assignment) -> Void) {
        guard var record = assignments[lead] else { return }
        change(&record)
        record.seq = seq
        assignments[lead] = record
    }

    private mutating func clearDeadline(of lead: LeadID) {
        guard let deadline = assignments[lead]?.slaDeadline else { return }
        let bucket = deadline.seconds
        guard var leads = slaBuckets[bucket] else { return }
        leads.remove(lead)
        slaBuckets[bucket] = leads.isEmpty ? nil : leads
        assignments[lead]?.slaDeadline = nil
    }

    /// Frees one open slot of the rep; `activityAt` marks the end of work for longest-idle.
    private mutating func releaseSlot(of rep: RepID, lead: LeadID, at activityAt: Timestamp?) {
        if var open = openByRep[rep] {
            open.remove(lead)
            openByRep[rep] = open.isEmpty ? nil : open
        }
        guard var live = presence[rep] else { return }
        live.openAssignments = max(0, live.openAssignments - 1)
        if let activityAt { live.lastActivity = activityAt }
        presence[rep] = live
    }
}
