import Atomics
import LeadRouterCore
import LeadRouterStorage
import LeadRouterWire
import Logging
import NIOConcurrencyHelpers

/// What every connection of one server shares.
final class ServerState: Sendable {
    let engine: RoutingEngine
    let configuration: ServerConfiguration
    let logger: Logger
    let streams: StreamHub
    let calls: CallQueues
    let connections: ConnectionRegistry
    let draining = ManagedAtomic<Bool>(false)
    /// Present with durable storage.
    let journal: JournalWriter?
    /// Present with `durability: sync`.
    let gate: DurabilityGate?
    let metrics: ServerMetrics
    let audit: AuditLog
    /// The tokens accepted now: the configuration's, until a reload replaces them. Read once per HELLO.
    let access: NIOLockedValueBox<AccessControl?>

    init(
        engine: RoutingEngine, configuration: ServerConfiguration, logger: Logger, streams: StreamHub,
        calls: CallQueues, journal: JournalWriter?, gate: DurabilityGate?, metrics: ServerMetrics, audit: AuditLog
    ) {
        self.engine = engine
        self.configuration = configuration
        self.logger = logger
        self.streams = streams
        self.calls = calls
        self.journal = journal
        self.gate = gate
        self.metrics = metrics
        self.audit = audit
        self.access = NIOLockedValueBox(configuration.access)
        self.connections = ConnectionRegistry(limit: configuration.limits.maximumConnections)
    }

    /// Why a call that changes the state is refused now: the journal cannot be written, so nothing
    /// more could be made durable. Reads are still served.
    var changeRefusal: RPCError? {
        journal?.outage.problem.map {
            RPCError(
                .unavailable,
                "\($0): changes are refused until it can, reads are served; the server retries by itself, retry once health reports SERVING"
            )
        }
    }
}
