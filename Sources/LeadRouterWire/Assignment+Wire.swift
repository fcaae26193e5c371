import LeadRouterCore

extension Assignment {
    public var wire: Leadrouter_V1_Assignment {
        var wire = Leadrouter_V1_Assignment()
        wire.lead = lead.wire
        wire.state = state.rawValue
        wire.rep = rep ?? ""
        wire.rule = rule
        wire.seq = seq
        wire.priority = priority
        wire.offeredAtMs = offeredAt?.millis ?? 0
        wire.acceptedAtMs = acceptedAt?.millis ?? 0
        wire.completedAtMs = completedAt?.millis ?? 0
        wire.slaDeadlineMs = slaDeadline?.millis ?? 0
        wire.expiredReps = expiredReps
        wire.misses = Int32(misses)
        wire.escalated = escalated
        wire.outcome = outcome ?? ""
        wire.explanation = explanation.wire
        return wire
    }
}

extension Explanation {
    public var wire: Leadrouter_V1_Explanation {
        var wire = Leadrouter_V1_Explanation()
        wire.policyVersion = policyVersion
        wire.rule = rule
        wire.rulesNotMatched = Array(rulesNotMatched)
        wire.stages = stages.map { stage in
            var wireStage = Leadrouter_V1_Stage()
            wireStage.pool = stage.pool
            wireStage.strategy = stage.strategy.rawValue
            wireStage.chosen = stage.chosen ?? ""
            wireStage.rejectionCounts = Dictionary(
                uniqueKeysWithValues: stage.rejectionCounts.map { ($0.key.rawValue, Int32(clamping: $0.value)) })
            wireStage.candidates = stage.candidates.map { candidate in
                var wireCandidate = Leadrouter_V1_Candidate()
                wireCandidate.rep = candidate.rep
                wireCandidate.rejection = candidate.rejection?.rawValue ?? ""
                if let score = candidate.score { wireCandidate.score = score }
                return wireCandidate
            }
            return wireStage
        }
        wire.chosen = chosen ?? ""
        wire.outcome = outcome.rawValue
        wire.notes = notes
        return wire
    }
}
