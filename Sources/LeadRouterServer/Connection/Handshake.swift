import LeadRouterWire

/// A connection's HELLO: the protocol version, and the token when the server takes tokens.
enum Handshake {
    struct Accepted {
        let clientName: String
        let token: String
        /// What the token allows; `nil` on a server without tokens.
        let grant: AccessControl.Grant?
        let reply: Frame
    }

    struct Refused: Error {
        let error: RPCError
        /// For the audit log, when the refusal was for the token.
        let clientName: String?
    }

    /// - Parameter access: the tokens accepted now (``ServerState/access``), `nil` for none asked.
    static func answer(_ frame: Frame, configuration: ServerConfiguration, access: AccessControl?)
        -> Result<Accepted, Refused>
    {
        guard frame.type == .hello else {
            return .failure(
                Refused(
                    error: RPCError(
                        .failedPrecondition, "the first frame must be HELLO (type 0x01), got \(frame.type)"),
                    clientName: nil))
        }
        let hello: Leadrouter_V1_Hello
        do {
            hello = try Leadrouter_V1_Hello(payload: frame.payload)
        } catch {
            return .failure(Refused(error: ServerMethods.wireError(error), clientName: nil))
        }
        guard hello.protocolVersion == ProtocolVersion.current else {
            return .failure(
                Refused(
                    error: RPCError(
                        .failedPrecondition,
                        "protocol version \(hello.protocolVersion) is not supported; this server speaks version \(ProtocolVersion.current)"
                    ), clientName: nil))
        }
        var grant: AccessControl.Grant?
        if let access {
            switch access.authenticate(hello.token) {
            case .success(let granted): grant = granted
            case .failure(let refusal): return .failure(Refused(error: refusal, clientName: hello.clientName))
            }
        }
        var reply = Leadrouter_V1_HelloReply()
        reply.protocolVersion = ProtocolVersion.current
        reply.serverVersion = configuration.version
        reply.maxFrameSize = UInt32(configuration.limits.maximumFrameSize)
        reply.maxConcurrentCalls = UInt32(configuration.limits.maximumConcurrentCalls)
        return .success(
            Accepted(
                clientName: hello.clientName, token: hello.token, grant: grant,
                reply: Frame(type: .helloOK, callID: 0, payload: reply.payload())))
    }
}
