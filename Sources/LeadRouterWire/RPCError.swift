import LeadRouterCore

/// An error that crosses the wire: a canonical status code and a message a person can act on.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String

    public init(_ code: StatusCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public init(_ status: Leadrouter_V1_Status) {
        self.code = StatusCode(rawValue: status.code) ?? .unknown
        self.message = status.message
    }

    /// Maps an engine error onto the wire.
    public init(_ error: RoutingError) {
        let code: StatusCode =
            switch error.code {
            case .invalidArgument: .invalidArgument
            case .notFound: .notFound
            case .alreadyExists: .alreadyExists
            case .failedPrecondition: .failedPrecondition
            case .dataLoss: .dataLoss
            default: .internal
            }
        self.init(code, error.message)
    }

    public var status: Leadrouter_V1_Status {
        var status = Leadrouter_V1_Status()
        status.code = code.rawValue
        status.message = message
        return status
    }

    public var description: String { "\(code): \(message)" }
}
