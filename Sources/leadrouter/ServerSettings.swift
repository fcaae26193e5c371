import Foundation
import LeadRouterServer
import LeadRouterStorage
import Yams

/// The server's settings: embedded defaults, then the config file, then flags.
struct ServerSettings {
    var server = ServerConfiguration.defaults
    var dataDirectory = "data"
    var storage = StorageConfiguration(directory: "data")
    /// `storage: memory`: no journal, no snapshots; everything is lost when the process ends.
    var inMemory = false
    /// `log_format: json`: one JSON object per log line.
    var jsonLogs = false

    static func load(file: String?) throws -> ServerSettings {
        var settings = ServerSettings()
        guard let file else { return settings }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw SettingsError("cannot read config file \(file): \(error.localizedDescription)")
        }
        guard let values = try Yams.load(yaml: text) as? [String: Any] else {
            throw SettingsError("config file \(file) must be a mapping of keys to values")
        }
        for (key, value) in values {
            let text = "\(value)"
            switch key {
            case "listen": try settings.setListen(text)
            case "metrics_listen": try settings.setMetricsListen(text)
            case "tokens": settings.server.access = try tokens(value, file: file)
            case "audit_log": settings.server.auditLogPath = text
            case "log_format": try settings.setLogFormat(text)
            case "tls": settings.server.tls = try tls(value)
            case "data": settings.dataDirectory = text
            case "storage":
                guard text == "sqlite" || text == "memory" else {
                    throw SettingsError("config key 'storage' is sqlite or memory, got '\(text)'")
                }
                settings.inMemory = text == "memory"
            case "max_frame_size": settings.server.limits.maximumFrameSize = try int(text, key)
            case "max_concurrent_calls": settings.server.limits.maximumConcurrentCalls = try int(text, key)
            case "max_connections": settings.server.limits.maximumConnections = try int(text, key)
            case "idle_timeout_seconds": settings.server.limits.idleTimeoutSeconds = Double(try int(text, key))
            case "tick_interval_ms": settings.server.tickIntervalMilliseconds = Int64(try int(text, key))
            case "threads": settings.server.threads = try int(text, key)
            case "detailed_explanations": settings.server.engine.detailedExplanations = text == "true"
            case "history_events": settings.server.engine.historyCapacity = try int(text, key)
            case "durability":
                guard let mode = StorageConfiguration.Durability(rawValue: text) else {
                    throw SettingsError("config key 'durability' is sync or async, got '\(text)'")
                }
                settings.storage.durability = mode
            case "fsync": settings.storage.fsync = text == "true"
            case "group_commit_window_us":
                settings.storage.groupCommitWindowMicroseconds = try int(text, key, allowZero: true)
            case "snapshot_every_events": settings.storage.snapshotEveryEvents = UInt64(try int(text, key))
            case "snapshot_every_seconds": settings.storage.snapshotEverySeconds = Double(try int(text, key))
            case "retained_events": settings.storage.retainedEvents = UInt64(try int(text, key))
            case "completed_in_memory": settings.storage.completedInMemory = try int(text, key)
            case "checkpoint_every_pages": settings.storage.checkpointEveryPages = try int(text, key)
            default:
                throw SettingsError("config file \(file): unknown key '\(key)' (see docs/OPERATIONS.md)")
            }
        }
        return settings
    }

    mutating func setListen(_ value: String) throws {
        (server.host, server.port) = try Self.address(value, "--listen", example: "127.0.0.1:7411 or 0.0.0.0:0")
    }

    mutating func setLogFormat(_ value: String) throws {
        guard value == "text" || value == "json" else {
            throw SettingsError("the log format is text or json, got '\(value)'")
        }
        jsonLogs = value == "json"
    }

    mutating func setMetricsListen(_ value: String) throws {
        let (host, port) = try Self.address(value, "--metrics", example: "127.0.0.1:9411")
        server.metrics = .init(host: host, port: port)
    }

    private static func address(_ value: String, _ flag: String, example: String) throws -> (String, Int) {
        guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw SettingsError("\(flag) wants HOST:PORT, e.g. \(example); got '\(value)'")
        }
        return (String(value[..<colon]), port)
    }

    /// `tls:` — `certificate`, `key`, and `client_ca` for mutual TLS.
    private static func tls(_ value: Any) throws -> ServerTLS {
        guard let entry = value as? [String: Any] else {
            throw SettingsError(
                "config key 'tls' wants a mapping: certificate, key, client_ca (see docs/OPERATIONS.md)")
        }
        if let unknown = entry.keys.first(where: { !["certificate", "key", "client_ca"].contains($0) }) {
            throw SettingsError("tls: unknown key '\(unknown)' (certificate, key, client_ca)")
        }
        guard let certificate = entry["certificate"].map({ "\($0)" }), let key = entry["key"].map({ "\($0)" }) else {
            throw SettingsError("tls: both 'certificate' and 'key' are needed (PEM files)")
        }
        return ServerTLS(certificateChain: certificate, privateKey: key, clientCA: entry["client_ca"].map { "\($0)" })
    }

    /// `tokens:` — a list of `{name, token, roles}`; see docs/OPERATIONS.md, "Tokens and roles".
    private static func tokens(_ value: Any, file: String) throws -> AccessControl {
        guard let entries = value as? [[String: Any]] else {
            throw SettingsError("config key 'tokens' wants a list of {name, token, roles} (see docs/OPERATIONS.md)")
        }
        var tokens: [(token: String, grant: AccessControl.Grant)] = []
        for (number, entry) in entries.enumerated() {
            let name = entry["name"].map { "\($0)" } ?? ""
            let label = name.isEmpty ? "tokens entry \(number + 1)" : "token '\(name)'"
            guard let token = entry["token"].map({ "\($0)" }) else { throw SettingsError("\(label) has no 'token'") }
            let roleNames = (entry["roles"] as? [Any])?.map { "\($0)" } ?? entry["roles"].map { ["\($0)"] } ?? []
            var roles: AccessRoles = []
            for roleName in roleNames {
                guard let role = AccessRoles.byName[roleName] else {
                    throw SettingsError("\(label): unknown role '\(roleName)' (route, dial or admin)")
                }
                roles.insert(role)
            }
            if let unknown = entry.keys.first(where: { !["name", "token", "roles"].contains($0) }) {
                throw SettingsError("\(label): unknown key '\(unknown)' (name, token, roles)")
            }
            tokens.append((token, AccessControl.Grant(name: name, roles: roles)))
        }
        do {
            return try AccessControl(tokens: tokens)
        } catch {
            throw SettingsError("config file \(file): \(error)")
        }
    }

    private static func int(_ text: String, _ key: String, allowZero: Bool = false) throws -> Int {
        guard let value = Int(text), value > 0 || (allowZero && value == 0) else {
            let wanted = allowZero ? "a whole number, 0 or more" : "a positive whole number"
            throw SettingsError("config key '\(key)' wants \(wanted), got '\(text)'")
        }
        return value
    }
}

struct SettingsError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
