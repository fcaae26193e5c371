import LeadRouterCore
import NIOCore

/// `RouteReply` written straight from the engine's types, field for field what `Assignment.wire`
/// and the generated `Leadrouter_V1_RouteReply` would serialise (see ``ProtobufWriter`` for why).
extension Assignment {
    /// The payload of a `RouteReply` carrying this assignment.
    public func routeReplyPayload(created: Bool) -> ByteBuffer {
        var writer = ProtobufWriter(capacity: 384)
        let assignment = writer.beginMessage(1)
        write(into: &writer)
        writer.endMessage(assignment)
        writer.bool(2, created)
        return writer.byteBuffer()
    }

    /// The fields of a `leadrouter.v1.Assignment`.
    func write(into writer: inout ProtobufWriter) {
        let leadMessage = writer.beginMessage(1)
        lead.write(into: &writer)
        writer.endMessage(leadMessage)
        writer.string(2, state.rawValue)
        writer.string(3, rep ?? "")
        writer.string(4, rule)
        writer.unsigned(5, seq)
        writer.double(6, priority)
        writer.integer(7, offeredAt?.millis ?? 0)
        writer.integer(8, acceptedAt?.millis ?? 0)
        writer.integer(9, completedAt?.millis ?? 0)
        writer.integer(10, slaDeadline?.millis ?? 0)
        writer.strings(11, expiredReps)
        writer.integer(12, Int64(Int32(truncatingIfNeeded: misses)))
        writer.bool(13, escalated)
        writer.string(14, outcome ?? "")
        let explanationMessage = writer.beginMessage(15)
        explanation.write(into: &writer)
        writer.endMessage(explanationMessage)
    }
}

extension Lead {
    /// The fields of a `leadrouter.v1.Lead`; `optional` ones whenever the lead has them.
    func write(into writer: inout ProtobufWriter) {
        writer.string(1, id)
        writer.integer(2, createdAt.millis)
        if let source { writer.string(3, always: source) }
        if let country { writer.string(4, always: country) }
        if let region { writer.string(5, always: region) }
        if let state { writer.string(6, always: state) }
        if let postalCode { writer.string(7, always: postalCode) }
        if let industry { writer.string(8, always: industry) }
        if let employees { writer.integer(9, always: Int64(employees)) }
        if let dealSize { writer.double(10, always: dealSize) }
        if let product { writer.string(11, always: product) }
        if let score { writer.double(12, always: score) }
        if let language { writer.string(13, always: language) }
        if let accountID { writer.string(14, always: accountID) }
        if let email { writer.string(15, always: email) }
        writer.strings(16, intents)
        writer.map(17, custom)
    }
}

extension Explanation {
    /// The fields of a `leadrouter.v1.Explanation`.
    func write(into writer: inout ProtobufWriter) {
        writer.string(1, policyVersion)
        writer.string(2, rule)
        writer.strings(3, rulesNotMatched)
        for stage in stages {
            let stageMessage = writer.beginMessage(4)
            stage.write(into: &writer)
            writer.endMessage(stageMessage)
        }
        writer.string(5, chosen ?? "")
        writer.string(6, outcome.rawValue)
        writer.strings(7, notes)
    }
}

extension Explanation.Stage {
    func write(into writer: inout ProtobufWriter) {
        writer.string(1, pool)
        writer.string(2, strategy.rawValue)
        for candidate in candidates {
            let candidateMessage = writer.beginMessage(3)
            writer.string(1, candidate.rep)
            writer.string(2, candidate.rejection?.rawValue ?? "")
            if let score = candidate.score { writer.double(3, always: score) }
            writer.endMessage(candidateMessage)
        }
        for (rejection, count) in rejectionCounts {
            let entry = writer.beginMessage(4)
            writer.string(1, always: rejection.rawValue)
            writer.integer(2, always: Int64(Int32(truncatingIfNeeded: count)))
            writer.endMessage(entry)
        }
        writer.string(5, chosen ?? "")
    }
}
