import Foundation

/// A plain blocking TCP socket connected to 127.0.0.1, for tests that must control the bytes and
/// the reads themselves (NIO's sockets read whatever arrives).
enum LoopbackSocket {
    /// The socket's descriptor; `prepare` sets its options before it connects.
    static func connect(port: Int, prepare: (Int32) -> Void = { _ in }) throws(POSIXError) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        prepare(descriptor)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let error = POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECONNREFUSED)
            close(descriptor)
            throw error
        }
        return descriptor
    }
}
