import GRPCCore
import GRPCProtobuf
import LeadRouterCore
import LeadRouterWire
import LoadProtocol

/// Route over gRPC: the same decode, decision and reply as LeadRouter's Route call, on the same engine.
struct RouteService: RegistrableRPCService {
    let engine: RoutingEngine

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        let engine = self.engine
        router.registerHandler(
            forMethod: RouteMethod.descriptor,
            deserializer: ProtobufDeserializer<Leadrouter_V1_RouteRequest>(),
            serializer: ProtobufSerializer<Leadrouter_V1_RouteReply>()
        ) { request, _ in
            let single = try await ServerRequest(stream: request)
            return StreamingServerResponse(single: ServerResponse(message: try Self.route(single.message, engine)))
        }
    }

    static func route(_ request: Leadrouter_V1_RouteRequest, _ engine: RoutingEngine) throws -> Leadrouter_V1_RouteReply
    {
        guard request.hasLead else { throw RPCError(code: .invalidArgument, message: "lead is required") }
        do {
            let lead = try Lead(wire: request.lead, now: engine.clock.now())
            let result = try engine.route(lead, detailed: request.explain ? true : nil)
            var reply = Leadrouter_V1_RouteReply()
            reply.assignment = result.assignment.wire
            reply.created = result.isNew
            return reply
        } catch {
            throw RPCError(code: .invalidArgument, message: "\(error)")
        }
    }
}
