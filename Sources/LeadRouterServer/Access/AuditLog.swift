import Foundation
import Logging
import NIOConcurrencyHelpers

/// The audit log: one JSON line per admin change (whatever its outcome), per call refused for want of
/// a role, and per connection refused for its token. Appended to a file (`audit.log` in the data folder
/// by default) with `O_APPEND`, before the call is answered, and logged at `notice`.
///
/// Admin changes are rare (a roster import, a policy apply), so each entry is one `write(2)` on the
/// calling loop; the file is not synced, like the journal without `fsync: true`.
final class AuditLog: Sendable {
    struct Entry: Codable, Sendable {
        var time: String
        /// The token's name; `-` when the server takes no tokens.
        var token: String
        var client: String
        var peer: String
        var method: String
        /// `OK` or the canonical status the call was answered with.
        var outcome: String
        var detail: String
    }

    private let descriptor: Int32?
    private let logger: Logger
    private let writing = NIOLock()

    /// - Parameter path: the file to append to; `nil` logs entries only.
    init(path: String?, logger: Logger) throws {
        self.logger = logger
        guard let path else {
            descriptor = nil
            return
        }
        let opened = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard opened >= 0 else {
            throw AccessError("cannot open the audit log \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = opened
    }

    deinit {
        if let descriptor { close(descriptor) }
    }

    func record(_ entry: Entry) {
        logger.notice(
            "audit",
            metadata: [
                "token": "\(entry.token)", "client": "\(entry.client)", "peer": "\(entry.peer)",
                "method": "\(entry.method)", "outcome": "\(entry.outcome)", "detail": "\(entry.detail)",
            ])
        guard let descriptor else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var line = try? encoder.encode(entry) else { return }
        line.append(UInt8(ascii: "\n"))
        writing.withLock {
            let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written != line.count {
                logger.error(
                    "cannot append to the audit log", metadata: ["error": "\(String(cString: strerror(errno)))"])
            }
        }
    }

    static func now() -> String {
        Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
