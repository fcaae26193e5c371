import LeadRouterWire
import NIOCore

/// The request messages of the benchmark workloads, encoded by hand (see `ProtobufWriting`); `leadbench
/// check` decodes them with SwiftProtobuf to prove they are what they claim.
public enum LoadRequests {
    /// A lead id that carries the moment it was sent, so a stream subscriber can measure
    /// route-to-delivery latency: `b<connection>-<number>-<send time in ns>`.
    public static func leadID(connection: Int, number: Int, sentAt: UInt64) -> String {
        "b\(connection)-\(number)-\(sentAt)"
    }

    /// The send time a lead id from `leadID` carries.
    public static func sentAt(leadID: Substring) -> UInt64? {
        guard let dash = leadID.lastIndex(of: "-") else { return nil }
        return UInt64(leadID[leadID.index(after: dash)...])
    }

    /// `RouteRequest { lead { id, source: "web", country: "DE" } }`
    public static func writeRoute(leadID: String, to buffer: inout ByteBuffer) {
        buffer.writeField(1) { lead in
            lead.writeField(1, string: leadID)
            lead.writeField(3, string: "web")
            lead.writeField(4, string: "DE")
        }
    }

    /// `SetAvailabilityRequest { rep, status }`
    public static func writeSetAvailability(
        rep: String, status: Leadrouter_V1_RepStatus, to buffer: inout ByteBuffer
    ) {
        buffer.writeField(1, string: rep)
        buffer.writeField(2, varint: UInt64(status.rawValue))
    }

    /// `AcceptRequest { lead_id }`
    public static func writeAccept(leadID: String, to buffer: inout ByteBuffer) {
        buffer.writeField(1, string: leadID)
    }

    /// LeadRouter's call envelope: `Request { method, payload }`, with the payload written by `body`.
    public static func writeEnvelope(
        method: String, to buffer: inout ByteBuffer, payload body: (inout ByteBuffer) -> Void
    ) {
        buffer.writeField(1, string: method)
        buffer.writeField(4, message: body)
    }
}
