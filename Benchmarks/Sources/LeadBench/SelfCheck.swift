import ArgumentParser
import LeadRouterWire
import LoadProtocol
import NIOCore

/// Decodes the hand-encoded requests with SwiftProtobuf, so a benchmark never measures a server
/// rejecting malformed messages. compare.sh runs it before anything else.
struct SelfCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Verify the hand-encoded request messages decode as intended.")

    func run() throws {
        let leadID = LoadRequests.leadID(connection: 3, number: 1234, sentAt: 987_654_321_000)
        guard LoadRequests.sentAt(leadID: leadID[...]) == 987_654_321_000 else {
            throw BenchError("the send time does not survive the lead id: \(leadID)")
        }

        var buffer = ByteBuffer()
        LoadRequests.writeEnvelope(method: "Route", to: &buffer) { LoadRequests.writeRoute(leadID: leadID, to: &$0) }
        let envelope = try Leadrouter_V1_Request(serializedBytes: Array(buffer.readableBytesView))
        let route = try Leadrouter_V1_RouteRequest(serializedBytes: envelope.payload)
        try expect(envelope.method == "Route" && route.lead.id == leadID, "Route", envelope, route)
        try expect(route.lead.source == "web" && route.lead.country == "DE", "Route lead", route)

        buffer.clear()
        // A body longer than 127 bytes takes the length-moving path of writeField(_:message:).
        let longID = String(repeating: "x", count: 300)
        LoadRequests.writeRoute(leadID: longID, to: &buffer)
        let long = try Leadrouter_V1_RouteRequest(serializedBytes: Array(buffer.readableBytesView))
        try expect(long.lead.id == longID && long.lead.country == "DE", "long embedded message", long)

        buffer.clear()
        LoadRequests.writeSetAvailability(rep: "rep-7", status: .onCall, to: &buffer)
        let availability = try Leadrouter_V1_SetAvailabilityRequest(serializedBytes: Array(buffer.readableBytesView))
        try expect(availability.rep == "rep-7" && availability.status == .onCall, "SetAvailability", availability)

        buffer.clear()
        LoadRequests.writeAccept(leadID: leadID, to: &buffer)
        let accept = try Leadrouter_V1_AcceptRequest(serializedBytes: Array(buffer.readableBytesView))
        try expect(accept.leadID == leadID, "Accept", accept)

        var reply = CeilingReply.frame
        let length = reply.readInteger(as: UInt32.self)
        let decoded = try Leadrouter_V1_RouteReply(serializedBytes: Array(reply.readableBytesView))
        try expect(
            Int(length ?? 0) == reply.readableBytes && decoded.assignment.rep == "rep-42", "ceiling reply", decoded)
        print("leadbench check: request encodings decode as intended")
    }

    private func expect(_ condition: Bool, _ what: String, _ values: Any...) throws {
        if !condition { throw BenchError("\(what) decodes wrongly: \(values)") }
    }
}
