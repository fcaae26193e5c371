import LeadRouterCore
import NIOCore

/// What a unary method handler gets: the request payload and the server's shared parts.
struct CallContext {
    let payload: ByteBuffer
    let metadata: [String: String]
    let server: ServerState

    var engine: RoutingEngine { server.engine }
}

/// A unary method: decode, act, encode, all on the connection's event loop.
typealias UnaryMethod = @Sendable (CallContext) throws -> ByteBuffer
