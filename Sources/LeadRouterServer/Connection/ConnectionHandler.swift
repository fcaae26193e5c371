import LeadRouterCore
import LeadRouterWire
import Logging
import NIOCore

/// One client connection: handshake, then calls multiplexed by call id.
///
/// Unary calls are decoded, executed against the engine and answered right here on the connection's
/// event loop, with no hop to another thread. Streams are registered with the loop's ``LoopStreams``.
///
/// It takes the socket's bytes and splits them into frames itself, and hands its replies straight to
/// the connection's ``FrameCoalescer``: with NIO's `ByteToMessageHandler` in front and writes through
/// the pipeline behind, every frame was boxed in a `NIOAny` twice (a `Frame` does not fit inline) and
/// cast back, and the generic decoder looked up its type metadata at run time on every read.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = Frame

    private let server: ServerState
    private let output: FrameCoalescer
    private var decoder: FrameDecoder
    /// The start of a frame whose remaining bytes have not arrived yet.
    private var partial: ByteBuffer?
    private var logger: Logger
    private var greeted = false
    private var streams: [UInt32: StreamSubscription] = [:]
    /// Scans taken in and not yet answered (queued behind other calls, or walking on the scan queue):
    /// with the open streams, what `maximumConcurrentCalls` bounds. A client pipelining scans faster
    /// than they are answered would otherwise queue them, and their replies, without end.
    private var scansInFlight = 0
    /// The scans in flight by call id, for CANCEL and a closing connection to stop them.
    private var scanCancellations: [UInt32: CallCancellation] = [:]
    private var handle: ConnectionHandle?
    private var closing = false
    /// Route calls wait here, with those of the loop's other connections, to be committed together.
    private var calls: LoopCallQueue?
    /// When the socket read being handled happened: read from the clock at its first Route, so the
    /// calls of one read share one clock read (``timeOfRead()``).
    private var readAt: NIODeadline?
    /// While the handler is in its pipeline: batched Route calls are answered through it.
    private var context: ChannelHandlerContext?
    /// What the HELLO's token allows, when the server takes tokens (``AccessControl``).
    private var grant: AccessControl.Grant?
    /// The HELLO's token, for holding the connection to the tokens accepted after a reload.
    private var token = ""
    private var clientName = ""
    private var peer = "?"

    /// - Parameter output: the coalescer in front of this handler on the same channel.
    init(server: ServerState, output: FrameCoalescer) {
        self.server = server
        self.output = output
        self.decoder = FrameDecoder(maximumFrameSize: server.configuration.limits.maximumFrameSize)
        self.logger = server.logger
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let handle = ConnectionHandle(channel: channel) {
            channel.eventLoop.execute { loopBound.value.drain(channel: channel) }
        } reauthorize: { access in
            channel.eventLoop.execute { loopBound.value.reauthorize(channel: channel, access) }
        }
        peer = channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
        logger[metadataKey: "peer"] = "\(peer)"
        guard server.connections.admit(handle) else {
            logger.warning("refusing connection: server is at its connection limit")
            goAway(
                context: context,
                RPCError(
                    .resourceExhausted,
                    "server is at its limit of \(server.configuration.limits.maximumConnections) connections; retry later"
                ))
            return
        }
        self.handle = handle
        calls = server.calls.queue(on: context.eventLoop)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let partial, partial.readableBytes > 0, !closing {
            logger.info("connection closed in the middle of a frame", metadata: ["bytes": "\(partial.readableBytes)"])
        }
        partial = nil
        let loopStreams = server.streams.streams(on: context.eventLoop)
        for stream in streams.values { loopStreams.remove(stream) }
        streams.removeAll()
        // Nobody will read the answers: long scans stop at their next check.
        for cancellation in scanCancellations.values { cancellation.cancel() }
        scanCancellations.removeAll()
        if let handle { server.connections.remove(handle) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        readAt = nil
        var bytes = unwrapInboundIn(data)
        if var carried = partial {
            partial = nil
            carried.writeBuffer(&bytes)
            bytes = carried
        }
        do {
            while !closing, let frame = try decoder.decode(buffer: &bytes) { handle(context: context, frame) }
        } catch {
            errorCaught(context: context, error: error)
            return
        }
        if bytes.readableBytes > 0 { partial = bytes }
    }

    private func handle(context: ChannelHandlerContext, _ frame: Frame) {
        guard greeted else {
            greet(context: context, frame)
            return
        }
        switch frame.type {
        case .request:
            handleRequest(context: context, frame)
        case .cancel:
            streams[frame.callID]?.finish(RPCError(.cancelled, "cancelled by the client"))
            scanCancellations[frame.callID]?.cancel()
        case .credit:
            do {
                let credit = try Leadrouter_V1_Credit(payload: frame.payload)
                streams[frame.callID]?.grant(credit.messages, engine: server.engine)
            } catch {
                goAway(context: context, error)
            }
        case .hello:
            goAway(context: context, RPCError(.failedPrecondition, "HELLO sent twice on one connection"))
        case .helloOK, .response, .streamMessage, .status, .goAway:
            goAway(
                context: context, RPCError(.invalidArgument, "frame type \(frame.type) is sent by servers, not clients")
            )
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        calls?.commitSoon()
        context.flush()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            for stream in streams.values { stream.pump(server.engine) }
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent, streams.isEmpty {
            logger.info("closing idle connection")
            goAway(
                context: context,
                RPCError(
                    .unavailable,
                    "connection idle for \(Int(server.configuration.limits.idleTimeoutSeconds)) s; reconnect when needed"
                ))
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let violation = error as? ProtocolViolation {
            logger.warning("protocol violation, closing connection", metadata: ["error": "\(violation)"])
            goAway(context: context, RPCError(violation.code, violation.message))
        } else {
            logger.debug("connection error", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    // MARK: handshake

    private func greet(context: ChannelHandlerContext, _ frame: Frame) {
        switch Handshake.answer(
            frame, configuration: server.configuration, access: server.access.withLockedValue { $0 })
        {
        case .failure(let refused):
            if let name = refused.clientName {
                clientName = name
                audit("HELLO", outcome: refused.error.code, detail: refused.error.message)
            }
            goAway(context: context, refused.error)
        case .success(let accepted):
            greeted = true
            clientName = accepted.clientName
            grant = accepted.grant
            token = accepted.token
            logger[metadataKey: "client"] = "\(accepted.clientName)"
            handle?.clientName.withLockedValue { $0 = accepted.clientName }
            output.append(accepted.reply)
        }
    }

    // MARK: calls

    private func handleRequest(context: ChannelHandlerContext, _ frame: Frame) {
        let callID = frame.callID
        if streams[callID] != nil {
            goAway(context: context, RPCError(.invalidArgument, "call id \(callID) is already in use by an open call"))
            return
        }
        if server.draining.load(ordering: .relaxed) {
            reply(
                context: context, callID,
                error: RPCError(.unavailable, "server is shutting down; retry on another instance"))
            return
        }
        let request: RequestEnvelope
        do {
            request = try RequestEnvelope(payload: frame.payload)
        } catch {
            reply(context: context, callID, error: error)
            return
        }
        server.metrics.received(request.method)
        if let grant, let denial = AccessControl.denial(of: request.method, to: grant) {
            audit(request.method, outcome: denial.code, detail: denial.message)
            reply(context: context, callID, error: denial)
            return
        }
        if let refusal = server.changeRefusal, ServerMethods.changesState.contains(request.method) {
            reply(context: context, callID, error: refusal)
            return
        }
        if request.method == "Route" && queueRoute(context: context, callID, request) { return }
        if request.method == "StreamAssignments" {
            // The stream starts after every call that arrived before it.
            calls?.commit()
            openStream(context: context, callID, request)
            return
        }
        if let scan = ServerMethods.scans[request.method] {
            if let refusal = tooManyCalls {
                reply(context: context, callID, error: refusal)
                return
            }
            scansInFlight += 1
            let arrived = NIODeadline.now()
            // Registered as the request is taken in, not in its turn: a CANCEL read right behind the
            // request (in the same read, even) must find it.
            let cancellation = CallCancellation(timeoutMs: request.timeoutMs, arrived: arrived)
            scanCancellations[callID] = cancellation
            let run = { self.startScan(context: context, callID, request, scan, cancellation, arrived: arrived) }
            if let calls { calls.add(command: run) } else { run()?.flush() }
            return
        }
        guard let method = ServerMethods.unary[request.method] else {
            reply(
                context: context, callID,
                error: RPCError(
                    .unimplemented,
                    "unknown method '\(request.method)'; known: \(ServerMethods.names.joined(separator: ", "))"))
            return
        }
        // Every other call takes its turn behind the routes that arrived before it (see LoopCallQueue).
        let arrived = NIODeadline.now()
        let run = { self.runUnary(context: context, callID, request, method, arrived: arrived) }
        if let calls { calls.add(command: run) } else { run()?.flush() }
    }

    /// Runs a unary call and answers it; returns the channel when a reply was written (to flush).
    private func runUnary(
        context: ChannelHandlerContext, _ callID: UInt32, _ request: RequestEnvelope, _ method: UnaryMethod,
        arrived: NIODeadline
    ) -> (any Channel)? {
        let outcome = Result {
            try method(CallContext(payload: request.payload, metadata: request.metadata, server: server))
        }
        auditIfAudited(request.method, request.payload, outcome)
        guard context.channel.isActive else { return nil }
        // A Route asking for the full explanation runs here rather than in a batch; it is timed too.
        let routeReceived = request.method == "Route" ? arrived : nil
        let written: Bool
        do {
            let payload = try outcome.get()
            if let late = CallDeadline.missed(request.timeoutMs, since: arrived) {
                reply(context: context, callID, error: late)
                written = true
            } else {
                // Everything the call did or saw is at or below the engine's last sequence number now.
                let durableThrough = ServerMethods.changesState.contains(request.method) ? server.engine.lastSeq : nil
                written = respond(
                    context: context, callID, payload, durableThrough: durableThrough, received: routeReceived)
            }
        } catch {
            reply(context: context, callID, error: error)
            written = true
        }
        if written, let routeReceived { server.metrics.routeLatency.record(from: routeReceived, to: .now()) }
        return written ? context.channel : nil
    }

    /// Takes a scan's turn (its first part, here) and hands the walk to the scan queue; the answer comes
    /// back to the loop. Returns the channel when it answered at once (a malformed request).
    private func startScan(
        context: ChannelHandlerContext, _ callID: UInt32, _ request: RequestEnvelope, _ scan: ScanMethod,
        _ cancellation: CallCancellation, arrived: NIODeadline
    ) -> (any Channel)? {
        let walk: @Sendable () throws -> ByteBuffer
        do {
            walk = try scan(
                CallContext(
                    payload: request.payload, metadata: request.metadata, server: server, cancellation: cancellation))
        } catch {
            scansInFlight -= 1
            scanCancellations[callID] = nil
            auditIfAudited(request.method, request.payload, Result<Void, any Error>.failure(error))
            reply(context: context, callID, error: error)
            return context.channel
        }
        let here = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        let channel = context.channel
        let timeoutMs = request.timeoutMs
        let (method, payload) = (request.method, request.payload)
        ServerMethods.queue(forScan: request.method).async {
            // A connection that closed meanwhile would not read the answer: no walk for it.
            guard channel.isActive else { return }
            // Cancelled while it waited for its turn: not done at all (a backup is not written).
            let outcome = cancellation.wasCancelled ? .failure(cancellation.error) : Result { try walk() }
            here.eventLoop.execute {
                let (handler, context) = here.value
                handler.scansInFlight -= 1
                handler.scanCancellations[callID] = nil
                handler.auditIfAudited(method, payload, outcome)
                guard context.channel.isActive else { return }
                handler.answerScan(context: context, callID, outcome, timeoutMs: timeoutMs, arrived: arrived)
                context.channel.flush()
            }
        }
        return nil
    }

    private func answerScan(
        context: ChannelHandlerContext, _ callID: UInt32, _ outcome: Result<ByteBuffer, any Error>, timeoutMs: UInt32,
        arrived: NIODeadline
    ) {
        do {
            let payload = try outcome.get()
            if let late = CallDeadline.missed(timeoutMs, since: arrived) {
                reply(context: context, callID, error: late)
                return
            }
            respond(context: context, callID, payload, durableThrough: nil)
        } catch {
            reply(context: context, callID, error: error)
        }
    }

    /// When the socket read being handled happened (``readAt``), reading the clock the first time.
    private func timeOfRead() -> NIODeadline {
        if let readAt { return readAt }
        let now = NIODeadline.now()
        readAt = now
        return now
    }

    /// Puts a Route call into the loop's batch (see ``LoopCallQueue``), or answers a malformed one;
    /// `false` for a call that asks for the full explanation, which is rare and costly and runs alone.
    private func queueRoute(context: ChannelHandlerContext, _ callID: UInt32, _ request: RequestEnvelope)
        -> Bool
    {
        let route: (lead: Lead, explain: Bool)
        do {
            route = try RoutingCalls.decodeRoute(request.payload, clock: server.engine.clock)
        } catch {
            reply(context: context, callID, error: error)
            return true
        }
        guard !route.explain, let calls else { return false }
        calls.add(callID: callID, caller: self, lead: route.lead, timeoutMs: request.timeoutMs, received: timeOfRead())
        return true
    }

    /// Writes a reply now, or once every event through `durableThrough` is committed (with
    /// `durability: sync`); `true` if it was written now (and wants a flush).
    @discardableResult
    private func respond(
        context: ChannelHandlerContext, _ callID: UInt32, _ payload: ByteBuffer, durableThrough seq: UInt64?,
        received: NIODeadline? = nil
    ) -> Bool {
        let response = Frame(type: .response, callID: callID, payload: payload)
        if let gate = server.gate, let seq {
            return gate.whenDurable(seq, on: context.eventLoop, write: response, to: self, received: received)
        }
        output.append(response)
        return true
    }

    private func reply(context: ChannelHandlerContext, _ callID: UInt32, error: Error) {
        let rpcError = ServerMethods.wireError(error)
        if rpcError.code == .internal { logger.error("call failed", metadata: ["error": "\(error)"]) }
        server.metrics.answered(rpcError.code)
        output.append(Frame(type: .status, callID: callID, payload: rpcError.status.payload()))
    }

    /// Records an audited call (``AuditDetail/audited``) with its outcome, whoever is still there to
    /// read the answer.
    private func auditIfAudited<Success>(_ method: String, _ payload: ByteBuffer, _ outcome: Result<Success, any Error>)
    {
        guard AuditDetail.audited.contains(method) else { return }
        let code: StatusCode
        switch outcome {
        case .success: code = .ok
        case .failure(let error): code = ServerMethods.wireError(error).code
        }
        audit(method, outcome: code, detail: AuditDetail.describe(method, payload))
    }

    private func audit(_ method: String, outcome: StatusCode, detail: String) {
        server.audit.record(
            AuditLog.Entry(
                time: AuditLog.now(), token: grant?.name ?? "-", client: clientName, peer: peer, method: method,
                outcome: "\(outcome)", detail: detail))
    }

    /// Refuses a stream or a scan beyond `maximumConcurrentCalls` open on this connection (the
    /// limit HELLO_OK announces); other calls are answered in their turn and hold nothing open.
    private var tooManyCalls: RPCError? {
        let limit = server.configuration.limits.maximumConcurrentCalls
        guard streams.count + scansInFlight >= limit else { return nil }
        return RPCError(
            .resourceExhausted,
            "at most \(limit) concurrent calls per connection (streams and unanswered scans); wait for a reply, or open another connection"
        )
    }

    private func openStream(context: ChannelHandlerContext, _ callID: UInt32, _ request: RequestEnvelope) {
        let limits = server.configuration.limits
        if let refusal = tooManyCalls {
            reply(context: context, callID, error: refusal)
            return
        }
        let subscribe: Leadrouter_V1_StreamAssignmentsRequest
        do {
            subscribe = try Leadrouter_V1_StreamAssignmentsRequest(payload: request.payload)
        } catch {
            reply(context: context, callID, error: error)
            return
        }
        let engine = server.engine
        let last = engine.lastSeq
        let startAfter: UInt64
        if subscribe.fromSeq > 0 {
            guard subscribe.fromSeq <= last else {
                reply(
                    context: context, callID,
                    error: RPCError(
                        .outOfRange, "from_seq \(subscribe.fromSeq) is beyond the server's last sequence number \(last)"
                    ))
                return
            }
            startAfter = subscribe.fromSeq
        } else if subscribe.fromStart {
            let journalOldest = (try? server.journal?.store.oldestJournalSeq) ?? nil
            startAfter = min(engine.oldestRetainedSeq, journalOldest.map { max($0, 1) } ?? .max) - 1
        } else {
            startAfter = last
        }
        let loopStreams = server.streams.streams(on: context.eventLoop)
        let stream = StreamSubscription(
            callID: callID, channel: context.channel, request: subscribe, startAfter: startAfter,
            journal: server.journal?.store, horizon: server.streams.horizon,
            credit: subscribe.initialCredit > 0 ? subscribe.initialCredit : limits.defaultStreamCredit
        ) { [weak self] finished in
            loopStreams.remove(finished)
            self?.streams[finished.callID] = nil
        }
        streams[callID] = stream
        if request.timeoutMs > 0 {
            // Runs on this loop, where the stream lives: no Sendable capture needed.
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(request.timeoutMs))) {
                stream.finish(RPCError(.deadlineExceeded, "stream reached its \(request.timeoutMs) ms deadline"))
            }
        }
        loopStreams.add(stream)
    }

    // MARK: ending

    /// Sends a connection-level error and closes: the byte stream cannot be trusted any more.
    private func goAway(context: ChannelHandlerContext, _ error: Error) {
        guard !closing else { return }
        closing = true
        let rpcError = ServerMethods.wireError(error)
        for stream in streams.values { stream.finish(rpcError) }
        context.writeAndFlush(wrapOutboundOut(Frame(type: .goAway, callID: 0, payload: rpcError.status.payload())))
            .assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    /// After the server's tokens were reloaded: the connection's token keeps its place with its new
    /// roles, or the connection ends with UNAUTHENTICATED (its streams too) if the token is gone.
    private func reauthorize(channel: any Channel, _ access: AccessControl?) {
        guard greeted, !closing,
            let context = try? channel.pipeline.syncOperations.context(handlerType: ConnectionHandler.self)
        else { return }
        guard let access else {
            grant = nil
            return
        }
        switch access.authenticate(token) {
        case .success(let renewed): grant = renewed
        case .failure(let refusal):
            let revoked = RPCError(
                .unauthenticated,
                token.isEmpty
                    ? refusal.message
                    : "this connection's token is no longer accepted (the server's tokens were reloaded)")
            audit("HELLO", outcome: revoked.code, detail: revoked.message)
            goAway(context: context, revoked)
        }
    }

    /// Graceful shutdown: end every stream with UNAVAILABLE, say GOAWAY, close.
    private func drain(channel: any Channel) {
        guard !closing, let context = try? channel.pipeline.syncOperations.context(handlerType: ConnectionHandler.self)
        else {
            return
        }
        goAway(context: context, RPCError(.unavailable, "server is shutting down; reconnect to resume"))
    }
}

extension ConnectionHandler: RouteCaller {
    func answerRoute(
        _ callID: UInt32, _ outcome: Result<(payload: ByteBuffer, seq: UInt64), any Error>, received: NIODeadline,
        answered: NIODeadline
    ) -> (any Channel)? {
        guard let context, context.channel.isActive else { return nil }
        switch outcome {
        case .success(let reply):
            // A reply held for the journal is timed when it leaves (``LoopWaiters``).
            guard respond(context: context, callID, reply.payload, durableThrough: reply.seq, received: received)
            else { return nil }
        case .failure(let error):
            reply(context: context, callID, error: error)
        }
        server.metrics.routeLatency.record(from: received, to: answered)
        return context.channel
    }
}

extension ConnectionHandler: HeldReplyWriter {
    func writeHeld(_ reply: Frame) -> (any Channel)? {
        guard let context else { return nil }
        output.append(reply)
        return context.channel
    }

    func refuseHeld(_ callID: UInt32, _ error: RPCError) -> (any Channel)? {
        guard let context else { return nil }
        reply(context: context, callID, error: error)
        return context.channel
    }
}
