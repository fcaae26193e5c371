import LeadRouterWire
import NIOCore
import NIOSSL

/// The client side of one connection: matches reply frames to waiting calls by call id.
/// Lives on the connection's event loop; the public client reaches it only through that loop.
final class ClientHandler: ChannelInboundHandler {
    typealias InboundIn = Frame
    typealias OutboundOut = Frame

    enum Pending {
        case unary(EventLoopPromise<ByteBuffer>)
        case stream(AsyncThrowingStream<Leadrouter_V1_AssignmentEvent, any Error>.Continuation)
    }

    let greeting: EventLoopPromise<Leadrouter_V1_HelloReply>
    private var pending: [UInt32: Pending] = [:]
    private var closedWith: RPCError?

    init(greeting: EventLoopPromise<Leadrouter_V1_HelloReply>) {
        self.greeting = greeting
    }

    func register(_ callID: UInt32, _ call: Pending) -> Bool {
        if let closedWith {
            fail(call, closedWith)
            return false
        }
        pending[callID] = call
        return true
    }

    /// Ends a call locally (deadline or cancellation) and tells the server to stop working on it.
    func abandon(_ callID: UInt32, _ error: RPCError, context channel: any Channel) {
        guard let call = pending.removeValue(forKey: callID) else { return }
        fail(call, error)
        channel.writeAndFlush(Frame(type: .cancel, callID: callID), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.type {
        case .helloOK:
            do { greeting.succeed(try Leadrouter_V1_HelloReply(payload: frame.payload)) } catch { greeting.fail(error) }
        case .response:
            if case .unary(let promise) = pending.removeValue(forKey: frame.callID) { promise.succeed(frame.payload) }
        case .streamMessage:
            guard case .stream(let continuation) = pending[frame.callID] else { return }
            do {
                continuation.yield(try Leadrouter_V1_AssignmentEvent(payload: frame.payload))
            } catch {
                pending[frame.callID] = nil
                continuation.finish(throwing: error)
            }
        case .status:
            let error = statusError(frame.payload)
            guard let call = pending.removeValue(forKey: frame.callID) else { return }
            if error.code == .ok, case .stream(let continuation) = call {
                continuation.finish()
            } else {
                fail(call, error)
            }
        case .goAway:
            shutDown(statusError(frame.payload))
            context.close(promise: nil)
        case .hello, .request, .cancel, .credit:
            shutDown(RPCError(.internal, "server sent a client-only frame type \(frame.type)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        shutDown(RPCError(.unavailable, "connection to the server closed"))
        context.fireChannelInactive()
    }

    /// Also covers a channel closed before this handler saw it become active.
    func handlerRemoved(context: ChannelHandlerContext) {
        shutDown(RPCError(.unavailable, "connection to the server closed"))
    }

    private static func isTLS(_ error: any Error) -> Bool {
        error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let rpcError =
            (error as? ProtocolViolation).map { RPCError($0.code, "malformed reply from server: \($0.message)") }
            ?? (Self.isTLS(error) ? RPCError(.unavailable, "TLS with the server failed: \(error)") : nil)
            ?? RPCError(.unavailable, "connection error: \(error)")
        shutDown(rpcError)
        context.close(promise: nil)
    }

    private func statusError(_ payload: ByteBuffer) -> RPCError {
        do {
            return RPCError(try Leadrouter_V1_Status(payload: payload))
        } catch {
            return RPCError(.internal, "malformed status frame from server")
        }
    }

    private func shutDown(_ error: RPCError) {
        if closedWith == nil { closedWith = error }
        greeting.fail(error)
        let calls = pending
        pending.removeAll()
        for call in calls.values { fail(call, error) }
    }

    private func fail(_ call: Pending, _ error: RPCError) {
        switch call {
        case .unary(let promise): promise.fail(error)
        case .stream(let continuation): continuation.finish(throwing: error)
        }
    }
}
