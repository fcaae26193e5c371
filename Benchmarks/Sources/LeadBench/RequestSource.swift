import LeadRouterWire
import LoadProtocol
import NIOCore

/// The workloads leadbench can drive.
enum Workload: String, CaseIterable, Sendable {
    /// Route only.
    case route
    /// Route 80 %, SetAvailability 15 %, Accept 5 %.
    case mix
    /// Route only, while every rep's dialer holds a StreamAssignments subscription.
    case subscribers
}

/// One connection's request stream: writes the next request of the workload into a send buffer.
struct RequestSource {
    enum Sent {
        case route(leadID: String)
        case other
    }

    let workload: Workload
    let connection: Int
    private var number = 0
    /// A lead this connection routed and saw answered, not yet accepted (the mix's Accept target).
    var answeredLead: String?

    init(workload: Workload, connection: Int) {
        self.workload = workload
        self.connection = connection
    }

    /// Writes a LeadRouter REQUEST frame for call `callID`.
    mutating func writeFrame(callID: UInt32, sentAt: UInt64, to buffer: inout ByteBuffer) -> Sent {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(FrameType.request.rawValue)
        buffer.writeInteger(callID)
        let sent = writeEnvelope(sentAt: sentAt, to: &buffer)
        buffer.setInteger(UInt32(buffer.writerIndex - lengthIndex - 4), at: lengthIndex)
        return sent
    }

    /// Writes a ceiling frame: `[u32 length][RouteRequest]`.
    mutating func writeCeilingFrame(sentAt: UInt64, to buffer: inout ByteBuffer) {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        LoadRequests.writeRoute(leadID: nextLeadID(sentAt: sentAt), to: &buffer)
        buffer.setInteger(UInt32(buffer.writerIndex - lengthIndex - 4), at: lengthIndex)
    }

    mutating func nextLeadID(sentAt: UInt64) -> String {
        number += 1
        return LoadRequests.leadID(connection: connection, number: number, sentAt: sentAt)
    }

    private mutating func writeEnvelope(sentAt: UInt64, to buffer: inout ByteBuffer) -> Sent {
        let turn = number % 20
        if workload == .mix && turn >= 16 {
            number += 1
            if turn == 19, let lead = answeredLead {
                answeredLead = nil
                LoadRequests.writeEnvelope(method: "Accept", to: &buffer) {
                    LoadRequests.writeAccept(leadID: lead, to: &$0)
                }
                return .other
            }
            // Flip a rep between available and on a call, as a dialer does.
            let flip = number / 20 + connection * 7 + turn
            let status: Leadrouter_V1_RepStatus = flip % 2 == 0 ? .onCall : .available
            LoadRequests.writeEnvelope(method: "SetAvailability", to: &buffer) {
                LoadRequests.writeSetAvailability(rep: BenchRoster.repID(flip / 2), status: status, to: &$0)
            }
            return .other
        }
        let leadID = nextLeadID(sentAt: sentAt)
        LoadRequests.writeEnvelope(method: "Route", to: &buffer) {
            LoadRequests.writeRoute(leadID: leadID, to: &$0)
        }
        return .route(leadID: leadID)
    }
}
