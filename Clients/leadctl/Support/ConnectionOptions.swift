import ArgumentParser
import Foundation
import LeadRouterClient
import LeadRouterWire

/// Options every command shares.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Server address HOST:PORT (default: $LEADROUTER_SERVER or 127.0.0.1:7411).")
    var server: String?

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    @Option(help: "Seconds before a call gives up.")
    var timeout: Double = 10

    @Option(help: "Token for a server that requires one (default: $LEADROUTER_TOKEN).")
    var token: String?

    @Flag(help: "Connect with TLS, trusting the system's CAs (implied by --tls-ca, --tls-cert).")
    var tls = false

    @Option(help: "PEM file of the CA that signed the server's certificate (default: $LEADROUTER_TLS_CA).")
    var tlsCA: String?

    @Option(help: "PEM certificate for a server that asks clients for one (default: $LEADROUTER_TLS_CERT).")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert (default: $LEADROUTER_TLS_KEY).")
    var tlsKey: String?

    /// TLS settings from the flags, then the environment; `nil` for plain TCP.
    private var clientTLS: ClientTLS? {
        let environment = ProcessInfo.processInfo.environment
        let ca = tlsCA ?? environment["LEADROUTER_TLS_CA"]
        let certificate = tlsCert ?? environment["LEADROUTER_TLS_CERT"]
        let key = tlsKey ?? environment["LEADROUTER_TLS_KEY"]
        guard tls || ca != nil || certificate != nil else { return nil }
        return ClientTLS(trustRoots: ca, certificateChain: certificate, privateKey: key)
    }

    func connect() async throws -> LeadRouterClient {
        let address = server ?? ProcessInfo.processInfo.environment["LEADROUTER_SERVER"] ?? "127.0.0.1:7411"
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw ValidationError("--server wants HOST:PORT, got '\(address)'")
        }
        return try await LeadRouterClient.connect(
            .init(
                host: String(address[..<colon]), port: port, clientName: "leadctl",
                defaultTimeout: .milliseconds(Int64(timeout * 1000)),
                token: token ?? ProcessInfo.processInfo.environment["LEADROUTER_TOKEN"] ?? "", tls: clientTLS))
    }
}

/// Runs a command body, turning server errors into a readable message and a non-zero exit.
func withClient<Result>(_ options: ConnectionOptions, _ body: (LeadRouterClient) async throws -> Result) async throws
    -> Result
{
    let client: LeadRouterClient
    do {
        client = try await options.connect()
    } catch let error as RPCError {
        throw Failure(error)
    }
    defer { Task { await client.close() } }
    do {
        return try await body(client)
    } catch let error as RPCError {
        throw Failure(error)
    }
}

/// A failed call, printed as `error: CODE: message` plus what to do about it.
struct Failure: Error, CustomStringConvertible {
    let error: RPCError
    init(_ error: RPCError) { self.error = error }

    var description: String {
        "\(error.code): \(error.message)" + (hint.map { "\nhint: \($0)" } ?? "")
    }

    private var hint: String? {
        switch error.code {
        case .unavailable where error.message.contains("journal cannot be written"):
            "the server cannot write its journal (disk full?); `leadctl health` says why, and changes are accepted again once it can"
        case .unavailable where error.message.contains("TLS"):
            "check --tls-ca (the CA that signed the server's certificate) and, if the server asks for one, --tls-cert and --tls-key"
        case .unavailable: "is the server running? start it with `swift run leadrouter`, or pass --server HOST:PORT"
        case .notFound: "check the id; `leadctl reps list` and `leadctl assignments` show what exists"
        case .invalidArgument: "fix the input named above and retry"
        case .failedPrecondition: "the record is not in a state that allows this; `leadctl get LEAD` shows its state"
        case .deadlineExceeded: "raise --timeout or check server load with `leadctl stats`"
        case .unauthenticated: "pass the token the server's operator gave you: --token TOKEN, or set LEADROUTER_TOKEN"
        case .permissionDenied: "this token's roles do not cover the call; ask for a token with the role named above"
        default: nil
        }
    }
}

extension Failure: LocalizedError {
    var errorDescription: String? { description }
}
