/// The one error type of the routing engine. Codes mirror gRPC's canonical status codes so the server
/// maps them onto the wire one to one.
public struct RoutingError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public static let invalidArgument = Code(name: "INVALID_ARGUMENT")
        public static let notFound = Code(name: "NOT_FOUND")
        public static let alreadyExists = Code(name: "ALREADY_EXISTS")
        public static let failedPrecondition = Code(name: "FAILED_PRECONDITION")
        public static let dataLoss = Code(name: "DATA_LOSS")
        public var description: String { name }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
