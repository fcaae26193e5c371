import LeadRouterWire
import NIOCore
import NIOSSL

/// TLS towards a server started with `tls:`; with a certificate and key, mutual TLS.
public struct ClientTLS: Sendable {
    /// PEM file of the CA(s) to trust for the server's certificate; `nil` trusts the system's roots.
    public var trustRoots: String?
    /// PEM files of this client's certificate (then intermediates) and key, for a server that asks.
    public var certificateChain: String?
    public var privateKey: String?
    /// The name the server's certificate must carry; `nil` is the host connected to (an IP address is
    /// checked against the certificate's IP addresses).
    public var serverName: String?

    public init(
        trustRoots: String? = nil, certificateChain: String? = nil, privateKey: String? = nil,
        serverName: String? = nil
    ) {
        self.trustRoots = trustRoots
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.serverName = serverName
    }

    func makeHandler(host: String) throws -> NIOSSLClientHandler {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        do {
            if let trustRoots {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trustRoots))
            }
            if let certificateChain {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateChain).map {
                    .certificate($0)
                }
            }
            if let privateKey {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: privateKey, format: .pem))
            }
        } catch {
            throw RPCError(.invalidArgument, "cannot load the client's TLS files: \(error)")
        }
        let name = serverName ?? host
        // SNI carries host names only; an address is matched against the certificate's IP entries.
        let isAddress = (try? SocketAddress(ipAddress: name, port: 0)) != nil
        return try NIOSSLClientHandler(
            context: try NIOSSLContext(configuration: configuration), serverHostname: isAddress ? nil : name)
    }
}
