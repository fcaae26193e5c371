import NIOSSL

/// The server's TLS files, as the config file names them.
public struct ServerTLS: Sendable {
    /// PEM: the server's certificate, then any intermediates.
    public var certificateChain: String
    /// PEM: the certificate's private key.
    public var privateKey: String
    /// PEM: the CA(s) whose certificates clients must present (mutual TLS); `nil` asks clients for none.
    public var clientCA: String?

    public init(certificateChain: String, privateKey: String, clientCA: String? = nil) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.clientCA = clientCA
    }

    /// Loads the files once at start; an unreadable or malformed file stops the server with its path.
    func makeContext() throws -> NIOSSLContext {
        let chain = try Self.load("certificate", certificateChain) {
            try NIOSSLCertificate.fromPEMFile($0).map { NIOSSLCertificateSource.certificate($0) }
        }
        guard !chain.isEmpty else { throw AccessError("TLS certificate \(certificateChain) holds no PEM certificate") }
        let key = try Self.load("private key", privateKey) { try NIOSSLPrivateKey(file: $0, format: .pem) }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if let clientCA {
            let roots = try Self.load("client CA", clientCA) { try NIOSSLCertificate.fromPEMFile($0) }
            configuration.trustRoots = .certificates(roots)
            // A client certificate names a caller, not a host: its chain is checked, not its name.
            configuration.certificateVerification = .noHostnameVerification
        }
        return try NIOSSLContext(configuration: configuration)
    }

    private static func load<Value>(_ what: String, _ path: String, _ read: (String) throws -> Value) throws -> Value {
        do {
            return try read(path)
        } catch {
            throw AccessError("cannot load the TLS \(what) from \(path): \(error)")
        }
    }
}
