import NIOConcurrencyHelpers
import NIOCore

/// Open connections, for the connection limit and for draining at shutdown.
///
/// Touched when a connection opens or closes, never per call, so a lock is fine here. It is NIO's
/// pthread-based lock rather than `Synchronization.Mutex`, whose futex fast path ThreadSanitizer does
/// not see as synchronisation (it reported two connections closing at once as a race).
final class ConnectionRegistry: Sendable {
    private let limit: Int
    private let open = NIOLockedValueBox<[ObjectIdentifier: ConnectionHandle]>([:])

    init(limit: Int) { self.limit = limit }

    /// Registers a connection; `false` when the server is full.
    func admit(_ handle: ConnectionHandle) -> Bool {
        open.withLockedValue { open in
            guard open.count < limit else { return false }
            open[ObjectIdentifier(handle)] = handle
            return true
        }
    }

    func remove(_ handle: ConnectionHandle) {
        _ = open.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(handle)) }
    }

    var all: [ConnectionHandle] { open.withLockedValue { Array($0.values) } }
    var count: Int { open.withLockedValue { $0.count } }
}

/// A way to reach a connection from outside its event loop.
final class ConnectionHandle: Sendable {
    let channel: any Channel
    /// Runs on the connection's loop: ends streams with UNAVAILABLE, says GOAWAY and closes.
    let drain: @Sendable () -> Void
    /// The name the client gave in its HELLO.
    let clientName = NIOLockedValueBox("")
    /// Runs on the connection's loop: holds the connection to the tokens now accepted (after a reload).
    let reauthorize: @Sendable (AccessControl?) -> Void

    init(
        channel: any Channel, drain: @escaping @Sendable () -> Void,
        reauthorize: @escaping @Sendable (AccessControl?) -> Void
    ) {
        self.channel = channel
        self.drain = drain
        self.reauthorize = reauthorize
    }
}
