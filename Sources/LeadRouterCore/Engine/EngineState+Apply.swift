import HashTreeCollections

extension EngineState {
    /// Applies one event. Every change to the state goes through here, live and in replay alike; the
    /// function reads nothing but the state and the event, so the same events give the same state.
    public mutating func apply(_ event: EngineEvent) throws { try applyReporting(event) }

    /// ``apply(_:)``, answering (the box of) the record an offer or a queueing left: what `route`
    /// replies with, without walking the assignment map once more to read it back.
    @discardableResult
    mutating func applyReporting(_ event: EngineEvent) throws -> AssignmentTable.Box? {
        guard event.seq == lastSeq + 1 else {
            throw RoutingError(.dataLoss, "event \(event.seq) does not follow \(lastSeq): the event history has a gap")
        }
        advance(to: event.seq, at: event.time)
        let time = event.time
        var reported: AssignmentTable.Box?
        switch event.kind {
        case .repsUpserted(let reps):
            roster = roster.upserting(reps)
            presence.follow(roster)
            for rep in reps where presence[rep.id] == nil {
                presence.set(roster.indexOf[rep.id]!, RepPresence(status: .offline, lastActivity: time))
            }
            teamUnions = TeamUnions(policy: policy, roster: roster)
        case .repRemoved(let rep):
            if let index = roster.indexOf[rep] {
                presence.set(index, nil)
                for key in pools.keys where pools[key]?.entries[index] != nil { pools[key]!.setEntry(nil, for: index) }
            }
            roster = roster.removing(rep)
            presence.follow(roster)
            teamUnions = TeamUnions(policy: policy, roster: roster)
        case .territoriesSet(let territories):
            roster = roster.replacingTerritories(territories)
        case .accountOwnersSet(let owners, let replace):
            roster = roster.settingOwners(owners, replacing: replace)
        case .policyApplied(let newPolicy):
            policy = CompiledPolicy(newPolicy)
            teamUnions = TeamUnions(policy: policy, roster: roster)
        case .availabilityChanged(let change):
            applyAvailability(change, at: time)
        case .offered(let offer):
            reported = applyOffer(offer, seq: event.seq, at: time)
        case .queued(let waiting):
            reported = applyQueue(waiting, seq: event.seq, at: time)
        case .accepted(let lead, let rep):
            update(lead, seq: event.seq, heldBy: rep) { record in
                record.state = .accepted
                record.acceptedAt = time
            }
        case .completed(let lead, let rep, let outcome):
            let held = update(lead, seq: event.seq, heldBy: rep) { record in
                record.state = .completed
                record.completedAt = time
                record.outcome = outcome
            }
            completionLog.append(lead)
            releaseSlot(of: rep, held: held, at: time)
        case .expired(let lead, let rep):
            let held = update(lead, seq: event.seq, heldBy: rep) { record in
                record.expiredReps.append(rep)
                record.misses += 1
                record.rep = nil
                record.state = .queued
            }
            releaseSlot(of: rep, held: held, at: nil)
        case .released(let lead, let rep, _):
            let held = update(lead, seq: event.seq, heldBy: rep) { record in
                record.rep = nil
                record.state = .queued
            }
            releaseSlot(of: rep, held: held, at: nil)
        case .escalated(let lead, _):
            update(lead, seq: event.seq, heldBy: nil) { $0.escalated = true }
        case .archived(let records, let logEntries):
            for record in records where assignments[record.lead.id]?.state == .completed {
                assignments[record.lead.id] = nil
            }
            archivedThrough += logEntries
        }
        return reported
    }

    private mutating func advance(to seq: UInt64, at time: Timestamp) {
        lastSeq = seq
        lastTime = max(lastTime, time)
    }

    /// Applies the offered event numbered `seq` from its offer alone: the transaction applies an offer
    /// before wrapping it in its event, since taking the payload back out of the event copied every
    /// field. The caller has checked that `seq` follows ``lastSeq``.
    /// `repIndex`: the offered rep's dense index when the caller knows it (the decider that picked
    /// them), which saves hashing their id.
    /// - Parameters:
    ///   - keys: the lead's and the pool's keys, hashed already by the decision.
    ///   - isNew: the caller looked the lead up and found no record, so the record is inserted without
    ///     looking for it again.
    mutating func applyOffered(
        _ offer: borrowing Offer, seq: UInt64, at time: Timestamp, repIndex: Int32,
        keys: (lead: AssignmentTable.Key, pool: HashedName), isNew: Bool, laidOut: MemberLedger? = nil
    ) -> AssignmentTable.Box {
        advance(to: seq, at: time)
        return applyOffer(offer, seq: seq, at: time, repIndex: repIndex, keys: keys, isNew: isNew, laidOut: laidOut)
    }

    /// Applies the queued event numbered `seq` from its payload alone, as ``applyOffered(_:seq:at:repIndex:keys:isNew:laidOut:)``
    /// does for offers.
    /// - Parameters:
    ///   - key: the lead's key, hashed already by the route.
    ///   - isNew: the caller looked the lead up and found no record, so the record is inserted without
    ///     looking for it again, and the lead cannot be in the queue yet.
    mutating func applyQueued(
        _ waiting: borrowing QueuedLead, seq: UInt64, at time: Timestamp, key: AssignmentTable.Key, isNew: Bool
    ) -> AssignmentTable.Box {
        advance(to: seq, at: time)
        return applyQueue(waiting, seq: seq, at: time, key: key, isNew: isNew)
    }

    private mutating func applyQueue(
        _ waiting: borrowing QueuedLead, seq: UInt64, at time: Timestamp, key: AssignmentTable.Key? = nil,
        isNew: Bool = false
    ) -> AssignmentTable.Box {
        let (box, _) = assignments.makeOrChange(
            key ?? AssignmentTable.Key(waiting.lead.id), isNew: isNew, make: { Self.queuedRecord(waiting, seq: seq) }
        ) { record in
            record.state = .queued
            record.rep = nil
            record.seq = seq
            record.explanation = waiting.explanation
        }
        // A lead keeps its place when re-queued, so age ordering survives failed dispatches.
        let waitingSince = isNew ? nil : queue[waiting.lead.id]?.since
        let since = waitingSince ?? time
        let entry = QueueEntry(lead: waiting.lead.id, priority: waiting.priority, since: since, seq: seq)
        queue[waiting.lead.id] = entry
        // Queueing does not change the record's rule, so a lead queued again keeps its count.
        if waitingSince == nil { queueClasses.add(rule: box.record.rule) }
        queueOrder.insert(entry, queue: queue)
        return box
    }

    private mutating func applyOffer(
        _ offer: borrowing Offer, seq: UInt64, at time: Timestamp, repIndex: Int32? = nil,
        keys: (lead: AssignmentTable.Key, pool: HashedName)? = nil, isNew: Bool = false, laidOut: MemberLedger? = nil
    ) -> AssignmentTable.Box {
        let (offered, queued) = assignments.makeOrChange(
            keys?.lead ?? AssignmentTable.Key(offer.lead.id), isNew: isNew,
            make: { Self.offeredRecord(offer, seq: seq, at: time) }
        ) { record -> String? in
            // Only a lead whose record says queued can be in the queue: a new lead skips that lookup.
            // The rule it waited under, for ``QueueClasses``, before the offer names its own.
            let waitedUnder = record.state == .queued ? record.rule : nil
            record.lead = offer.lead
            record.rule = offer.rule
            record.priority = offer.priority
            record.state = .offered
            record.rep = offer.rep
            record.seq = seq
            record.offeredAt = record.offeredAt ?? time
            record.slaDeadline = offer.slaDeadline
            record.explanation = offer.explanation
            return waitedUnder
        }
        let waitedUnder = queued ?? nil
        if let waitedUnder, queue[offer.lead.id] != nil {
            queue[offer.lead.id] = nil
            queueClasses.remove(rule: waitedUnder)
        }
        slaBuckets.add(offer.lead.id, dueAt: SLABuckets.second(of: offer.slaDeadline))

        guard let index = repIndex ?? roster.indexOf[offer.rep], var live = presence[dense: index] else {
            return offered
        }
        // The profile only for a rep with working hours (whose time zone counts the day): the check
        // that just passed read the flat traits, and the profile of a rep without hours is a cache
        // miss that answers nothing.
        let hasHours = Int(index) < roster.traits.count && roster.traits[Int(index)].hasWorkingHours
        let zone = hasHours ? roster.profile(index)?.rep.workingHours?.timeZone : nil
        let day = LocalClock.dayNumber(time, in: zone)
        live.assignedToday = live.assignedCount(onDay: day) + 1
        live.assignedDay = day
        live.openAssignments += 1
        live.lastActivity = time
        presence.offer(offer.lead.id, to: index, live: live)
        // An account owner's pool is that one rep: nothing to rotate or balance, and keeping a cursor
        // and ledger per owner read and grew one of thousands of pool states on every owner's lead.
        if ResolvedPool.isAccountOwner(offer.poolKey) { return offered }
        var joining: [(Int32, Int)] = []
        for (rep, credit) in offer.joining {
            if let joiner = roster.indexOf[rep] { joining.append((joiner, credit)) }
        }
        // Changed in place: copying the pool out and back would leave its ledger shared, so every
        // offer of a batch would copy a path of the ledger again. (The defaulted subscript also changes
        // it in place, but copies the key and the pool's state into its accessor first.)
        pools.updateValue(forKey: keys?.pool ?? HashedName(offer.poolKey), default: PoolState()) {
            $0.recordOffer(to: index, roundRobin: offer.strategy == .roundRobin, joining: joining, laidOut: laidOut)
        }
        return offered
    }

    /// A new lead's record, built from its offer at once (starting from a queued record allocated an
    /// explanation only to replace it).
    private static func offeredRecord(_ offer: borrowing Offer, seq: UInt64, at time: Timestamp) -> Assignment {
        Assignment(
            lead: offer.lead, state: .offered, rep: offer.rep, rule: offer.rule, seq: seq, priority: offer.priority,
            offeredAt: time, acceptedAt: nil, completedAt: nil, slaDeadline: offer.slaDeadline, expiredReps: [],
            misses: 0, escalated: false, outcome: nil, explanation: offer.explanation)
    }

    private mutating func applyAvailability(_ change: AvailabilityChange, at time: Timestamp) {
        guard let index = roster.indexOf[change.rep], var live = presence[dense: index] else { return }
        let wasAbsent = live.status == .away || live.status == .offline
        let callEnded = change.activeCalls < live.activeCalls || (live.status == .onCall && change.status != .onCall)
        live.status = change.status
        live.activeCalls = change.activeCalls
        if let capacity = change.capacity { live.capacityOverride = capacity }
        if callEnded { live.lastActivity = time }
        if wasAbsent && change.status == .available {
            live.availableSince = time
            presence.set(index, live)
            calibrate(index)
        } else {
            presence.set(index, live)
        }
    }

    /// Lifts a returning rep's ledger standing in every pool to the least-served available member's
    /// level (scaled by weight), so they get their fair share from now on without a catch-up flood.
    private mutating func calibrate(_ rep: Int32) {
        let weight = roster.profile(rep)?.rep.weight ?? 1
        for (poolKey, pool) in pools where pool.entries[rep] != nil {
            var lowestRatio: Double?
            for (member, entry) in pool.entries where member != rep && presence[dense: member]?.status == .available {
                let ratio = Double(entry.effective) / max(roster.profile(member)?.rep.weight ?? 1, 0.0001)
                lowestRatio = min(lowestRatio ?? ratio, ratio)
            }
            guard let lowestRatio else { continue }
            let level = Int((lowestRatio * weight).rounded(.down))
            var entry = pool.entries[rep]!
            if entry.effective < level {
                entry.credit += level - entry.effective
                pools[poolKey]!.setEntry(entry, for: rep)
            }
        }
    }

    /// The record of a lead queued for the first time.
    private static func queuedRecord(_ waiting: borrowing QueuedLead, seq: UInt64) -> Assignment {
        Assignment(
            lead: waiting.lead, state: .queued, rep: nil, rule: waiting.rule, seq: seq, priority: waiting.priority,
            offeredAt: nil, acceptedAt: nil, completedAt: nil, slaDeadline: nil, expiredReps: [], misses: 0,
            escalated: false, outcome: nil, explanation: waiting.explanation)
    }

    /// Changes an existing record. With a rep, the change also stops the SLA
    /// clock (the bucket entry stays: removing it would copy the bucket; expiry skips leads without a
    /// deadline, and the bucket goes when its second has passed), and the result says whether the
    /// record had the lead open with that rep before the change.
    @discardableResult
    private mutating func update(
        _ lead: LeadID, seq: UInt64, heldBy rep: RepID?, _ change: (inout Assignment) -> Void
    ) -> Bool {
        assignments.update(lead) { slot in
            guard var record = slot.record else { return false }
            let held = rep != nil && record.rep == rep && (record.state == .offered || record.state == .accepted)
            change(&record)
            if rep != nil { record.slaDeadline = nil }
            record.seq = seq
            slot.store(record)
            return held
        }.1
    }

    /// Frees one open slot of the rep if it `held` the lead; `activityAt` marks the end of work for
    /// longest-idle. Runs after the lead's record changed, so compaction drops the lead's entry.
    private mutating func releaseSlot(of rep: RepID, held: Bool, at activityAt: Timestamp?) {
        guard let index = roster.indexOf[rep], var live = presence[dense: index] else { return }
        if held { live.openAssignments -= 1 }
        if let activityAt { live.lastActivity = activityAt }
        presence.set(index, live)
        let list = presence.openList(dense: index)
        if list.needsCompaction(open: live.openAssignments) {
            presence.setOpenList(index, list.compacted(for: rep, open: live.openAssignments, in: assignments))
        }
    }

}
