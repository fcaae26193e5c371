import LeadRouterCore
import NIOCore

extension EngineEvent {
    /// What a stream tells dialers about an event, beyond its number, time, lead and rep.
    private struct StreamFields {
        var kind: String
        var rule = ""
        var slaDeadlineMillis: Int64 = 0
        var detail = ""
        var lead: Lead?
    }

    private var streamFields: StreamFields {
        switch kind {
        case .offered(let offer):
            StreamFields(
                kind: "offered", rule: offer.rule, slaDeadlineMillis: offer.slaDeadline.millis, lead: offer.lead)
        case .queued(let queued): StreamFields(kind: "queued", rule: queued.rule, lead: queued.lead)
        case .accepted: StreamFields(kind: "accepted")
        case .completed(_, _, let outcome): StreamFields(kind: "completed", detail: outcome)
        case .expired: StreamFields(kind: "expired")
        case .released(_, _, let reason): StreamFields(kind: "released", detail: reason)
        case .escalated(_, let rule): StreamFields(kind: "escalated", rule: rule)
        case .availabilityChanged(let change): StreamFields(kind: "availability", detail: change.status.rawValue)
        case .repsUpserted(let reps): StreamFields(kind: "admin", detail: "\(reps.count) reps upserted")
        case .repRemoved: StreamFields(kind: "admin", detail: "rep removed")
        case .territoriesSet(let territories):
            StreamFields(kind: "admin", detail: "\(territories.count) territories set")
        case .accountOwnersSet(let owners, _): StreamFields(kind: "admin", detail: "\(owners.count) account owners set")
        case .policyApplied(let policy): StreamFields(kind: "admin", detail: "policy \(policy.version) applied")
        case .archived(let records, _):
            StreamFields(kind: "archived", detail: "\(records.count) completed assignments moved to history")
        }
    }

    /// The stream form of an event.
    public var wire: Leadrouter_V1_AssignmentEvent {
        let fields = streamFields
        var wire = Leadrouter_V1_AssignmentEvent()
        wire.seq = seq
        wire.timeMs = time.millis
        wire.kind = fields.kind
        wire.leadID = lead ?? ""
        wire.rep = rep ?? ""
        wire.rule = fields.rule
        wire.slaDeadlineMs = fields.slaDeadlineMillis
        wire.detail = fields.detail
        if let lead = fields.lead { wire.lead = lead.wire }
        return wire
    }

    /// ``wire`` encoded, written straight from the event (see ``ProtobufWriter``): streams encode each
    /// event once for every dialer that receives it.
    public var streamPayload: ByteBuffer {
        let fields = streamFields
        var writer = ProtobufWriter(capacity: 192)
        writer.unsigned(1, seq)
        writer.integer(2, time.millis)
        writer.string(3, fields.kind)
        writer.string(4, lead ?? "")
        writer.string(5, rep ?? "")
        writer.string(6, fields.rule)
        writer.integer(7, fields.slaDeadlineMillis)
        writer.string(8, fields.detail)
        if let lead = fields.lead {
            let leadMessage = writer.beginMessage(9)
            lead.write(into: &writer)
            writer.endMessage(leadMessage)
        }
        return writer.byteBuffer()
    }
}
