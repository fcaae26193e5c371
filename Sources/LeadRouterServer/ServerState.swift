import Atomics
import LeadRouterCore
import Logging
import Synchronization

/// What every connection of one server shares.
final class ServerState: Sendable {
    let engine: RoutingEngine
    let configuration: ServerConfiguration
    let logger: Logger
    let streams: StreamHub
    let connections: ConnectionRegistry
    /// The text of the applied policy, for `GetPolicy` (admin path only).
    let policyText = Mutex<String>("")
    let draining = ManagedAtomic<Bool>(false)

    init(engine: RoutingEngine, configuration: ServerConfiguration, logger: Logger, streams: StreamHub) {
        self.engine = engine
        self.configuration = configuration
        self.logger = logger
        self.streams = streams
        self.connections = ConnectionRegistry(limit: configuration.limits.maximumConnections)
    }
}
