import LeadRouterCore
import NIOCore

/// What a unary method handler gets: the request payload and the server's shared parts.
struct CallContext {
    let payload: ByteBuffer
    let metadata: [String: String]
    let server: ServerState
    /// A scan's: whether its caller still wants the answer (``CallCancellation``); nil for unary calls.
    var cancellation: CallCancellation? = nil

    var engine: RoutingEngine { server.engine }
}

/// A unary method: decode, act, encode, all on the connection's event loop.
typealias UnaryMethod = @Sendable (CallContext) throws -> ByteBuffer

/// A read over the whole state, in two parts. The first runs on the event loop in the call's turn:
/// it decodes the request and takes the published state, so it sees every call that arrived before.
/// The part it returns walks that state on the server's scan queue, so a long read holds up no
/// other call (listing a page of a million assignments took tenths of a second, and a durable
/// server has one event loop).
typealias ScanMethod = @Sendable (CallContext) throws -> @Sendable () throws -> ByteBuffer
