import Foundation
import LeadRouterWire
import NIOCore

/// A client that writes and never reads: a plain blocking socket (NIO's would read what arrives),
/// with a small receive buffer so the server's replies back up quickly.
final class UnreadSocket: @unchecked Sendable {
    private let descriptor: Int32

    /// Connects and says HELLO; each `send` gives up once it has been blocked for `patience`.
    init(port: Int, patience: Duration) throws {
        let (seconds, attoseconds) = patience.components
        descriptor = try LoopbackSocket.connect(port: port) { descriptor in
            var receiveBuffer: Int32 = 64 << 10
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, socklen_t(MemoryLayout<Int32>.size))
            var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
            setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        var hello = Leadrouter_V1_Hello()
        hello.protocolVersion = ProtocolVersion.current
        var bytes = ByteBuffer()
        Frame(type: .hello, callID: 0, payload: hello.payload()).write(to: &bytes)
        _ = send(bytes)
    }

    deinit { close(descriptor) }

    /// Writes `bytes` until done, or until a write stayed blocked for the patience given; how many
    /// bytes went out.
    func send(_ bytes: ByteBuffer) -> Int {
        var sent = 0
        bytes.withUnsafeReadableBytes { raw in
            while sent < raw.count {
                let written = Glibc.send(descriptor, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if written <= 0 { return }
                sent += written
            }
        }
        return sent
    }
}
