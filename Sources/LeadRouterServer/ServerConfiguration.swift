import LeadRouterCore
import LeadRouterStorage
import NIOCore

/// Everything `leadrouter serve` can be told, with production defaults.
public struct ServerConfiguration: Sendable {
    public struct Limits: Sendable {
        /// Largest frame accepted, checked on the length prefix before the payload is buffered.
        public var maximumFrameSize: Int = 4 << 20
        /// Streams open at once on one connection (unary calls finish as they arrive).
        public var maximumConcurrentCalls: Int = 128
        public var maximumConnections: Int = 4096
        /// A connection with no frames and no open stream for this long is closed.
        public var idleTimeoutSeconds: Double = 300
        /// Events a stream may be sent before the client grants more credit, if it asks for none.
        public var defaultStreamCredit: UInt32 = 64
        public init() {}
    }

    public var host: String = "127.0.0.1"
    public var port: Int = 7411
    public var limits = Limits()
    public var engine = EngineConfiguration.defaults
    /// How often SLA expiry and time-based dispatch run.
    public var tickIntervalMilliseconds: Int64 = 250
    /// Event loop threads; `nil` (the default) is ``defaultThreads``.
    public var threads: Int?
    public var version: String = "0.1.0"
    /// Journal and snapshots; `nil` keeps everything in memory only.
    public var storage: StorageConfiguration?
    /// Where Prometheus scrapes `GET /metrics` (HTTP); `nil` (the default) serves no metrics.
    public var metrics: MetricsAddress?
    /// The tokens clients must present in HELLO, with their roles; `nil` (the default) lets every
    /// client call everything.
    public var access: AccessControl?
    /// TLS on the client port (and mutual TLS with a client CA); `nil` (the default) is plain TCP.
    public var tls: ServerTLS?
    /// The audit log's file; `nil` means `audit.log` in the data folder, or no file in memory (entries
    /// are still logged).
    public var auditLogPath: String?

    public struct MetricsAddress: Sendable {
        public var host: String
        /// 0 picks a free port (``LeadRouterServer/metricsAddress`` tells which).
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    public init() {}

    public static let defaults = ServerConfiguration()

    /// The event loops the server runs: ``threads`` if set, else ``defaultThreads``.
    public var eventLoopThreads: Int { threads.map { max(1, $0) } ?? Self.defaultThreads }

    /// One event loop per core, less one. Commands and commits run one at a time whichever loop calls
    /// them, so a loop that finds another committing waits its turn, and an extra loop that is not
    /// kept busy sleeps and is woken for every burst. The core left over goes to the kernel's network
    /// work, the storage threads (journal writer, checkpointer, snapshot encoders) and the command
    /// thread. On two cores one loop took 25–40 % less CPU per route than two and cut the 8 × 1 p99
    /// to a third, at the cost of 64 × 16 (docs/PERFORMANCE.md, items 89 and 106).
    public static var defaultThreads: Int { max(1, System.coreCount - 1) }
}
