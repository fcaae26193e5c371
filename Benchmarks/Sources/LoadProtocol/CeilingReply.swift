import LeadRouterWire
import NIOCore

/// The ceiling reference's fixed answer: a RouteReply shaped like LeadRouter's real ones (an offered
/// assignment with its lead, rep, rule and sequence number), so both send about the same bytes.
public enum CeilingReply {
    public static let frame: ByteBuffer = {
        var reply = Leadrouter_V1_RouteReply()
        reply.assignment.lead.id = "b0-0000000-000000000000000"
        reply.assignment.lead.source = "web"
        reply.assignment.lead.country = "DE"
        reply.assignment.lead.createdAtMs = 1_764_000_000_000
        reply.assignment.state = "offered"
        reply.assignment.rep = "rep-42"
        reply.assignment.rule = "default"
        reply.assignment.seq = 1_000_000
        reply.assignment.offeredAtMs = 1_764_000_000_000
        reply.assignment.outcome = "assigned"
        reply.created = true
        let bytes = try! reply.serializedBytes() as [UInt8]
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(bytes.count))
        buffer.writeBytes(bytes)
        return buffer
    }()
}
