import ArgumentParser
import Foundation
import LeadRouterServer
import Logging
import ServiceLifecycle
import UnixSignals

@main
struct LeadRouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadrouter",
        abstract: "The LeadRouter routing server.",
        subcommands: [Serve.self, Check.self],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server. With no flags: 127.0.0.1:7411, data in ./data, embedded defaults.")

    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free port).")
    var listen: String?

    @Option(help: "Serve Prometheus metrics at http://HOST:PORT/metrics (off unless given).")
    var metrics: String?

    @Option(help: "Data folder (created if missing).")
    var data: String?

    @Option(help: "Configuration file (YAML); flags override it. See docs/OPERATIONS.md.")
    var config: String?

    @Flag(help: "Keep everything in memory: no journal, no snapshots, nothing survives the process.")
    var memory = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    @Option(help: "Log lines as text (the default) or json (one object per line, for log shippers).")
    var logFormat: String?

    func run() async throws {
        HeapGrowth.padHeapTops()
        // A file-size limit (`ulimit -f`) reached by the journal gives its write an error, which the
        // server reports and recovers from, instead of SIGXFSZ's default: killing the process.
        signal(SIGXFSZ, SIG_IGN)
        var settings = try ServerSettings.load(file: config)
        if let listen { try settings.setListen(listen) }
        if let metrics { try settings.setMetricsListen(metrics) }
        if let data { settings.dataDirectory = data }
        if memory { settings.inMemory = true }

        if let logFormat { try settings.setLogFormat(logFormat) }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let json = settings.jsonLogs
        LoggingSystem.bootstrap { label in
            if json { return JSONLogHandler(label: label, level: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "leadrouter")
        let host = settings.server.host
        var serverConfiguration = settings.server
        var storage = settings.storage
        storage.directory = settings.dataDirectory
        serverConfiguration.storage = settings.inMemory ? nil : storage
        let server: LeadRouterServer
        do {
            server = try LeadRouterServer(configuration: serverConfiguration, logger: logger) { address in
                // One line on stdout when ready: scripts and tests wait for it to learn the port.
                FileHandle.standardOutput.write(
                    Data("listening on \(address.ipAddress ?? host):\(address.port ?? 0)\n".utf8))
            }
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode(3)
        }
        if serverConfiguration.metrics != nil {
            Task {
                guard let address = try? await server.metricsAddress else { return }
                FileHandle.standardOutput.write(
                    Data("metrics on http://\(address.ipAddress ?? host):\(address.port ?? 0)/metrics\n".utf8))
            }
        }
        reloadOnHangUp(server, configFile: config, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// SIGHUP re-reads the config file's `tokens:` and `tls:` and hands them to the running server
    /// (``LeadRouterServer/reload(access:tls:)``); everything else in the file takes a restart. A file
    /// that no longer reads, or files that do not load, leave the server as it was, with an error logged.
    private func reloadOnHangUp(_ server: LeadRouterServer, configFile: String?, logger: Logger) {
        Task {
            for await _ in await UnixSignalsSequence(trapping: .sighup) {
                do {
                    let settings = try ServerSettings.load(file: configFile)
                    try server.reload(access: settings.server.access, tls: settings.server.tls)
                } catch {
                    logger.error("reload refused, nothing changed: \(error)")
                }
            }
        }
    }
}
