import Foundation
import Synchronization
import Testing

/// The real `leadrouter` executable in a child process, for crash and restart tests.
final class ServerProcess: Sendable {
    let process: Process
    let port: Int
    /// Where `GET /metrics` is served, when started with `--metrics`.
    let metricsPort: Int?

    private init(process: Process, port: Int, metricsPort: Int?) {
        self.process = process
        self.port = port
        self.metricsPort = metricsPort
    }

    /// A test that fails before it stops its server leaves no server behind.
    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("leadrouter")
    }

    /// Starts the server on a free port and waits for its `listening on` line (and its `metrics on`
    /// line, with `--metrics`). Every wait here and below leaves the cooperative pool's threads to the
    /// other tests (see ``onOwnThread(_:)``).
    /// - Parameter errorLog: a file for the server's standard error (its log); discarded if `nil`.
    static func start(data: String, config: String? = nil, arguments: [String] = [], errorLog: String? = nil)
        async throws -> ServerProcess
    {
        let process = Process()
        process.executableURL = binary
        process.arguments =
            ["serve", "--listen", "127.0.0.1:0", "--data", data, "--log-level", "warning"]
            + (config.map { ["--config", $0] } ?? []) + arguments
        let output = Pipe()
        process.standardOutput = output
        if let errorLog {
            _ = FileManager.default.createFile(atPath: errorLog, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: errorLog)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        let seen = Mutex("")
        output.fileHandleForReading.readabilityHandler = { handle in
            let chunk = String(decoding: handle.availableData, as: UTF8.self)
            seen.withLock { $0 += chunk }
        }
        try process.run()
        for _ in 0..<600 {
            let lines = seen.withLock { $0 }.split(separator: "\n")
            let metricsPort = lines.first { $0.hasPrefix("metrics on ") }.flatMap {
                Int($0.split(separator: ":").last?.split(separator: "/").first ?? "")
            }
            if let line = lines.first(where: { $0.hasPrefix("listening on ") }),
                let port = Int(line.split(separator: ":").last ?? ""),
                metricsPort != nil || !arguments.contains("--metrics")
            {
                output.fileHandleForReading.readabilityHandler = nil
                return ServerProcess(process: process, port: port, metricsPort: metricsPort)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw CocoaError(
            .fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "leadrouter did not start: \(seen.withLock { $0 })"]
        )
    }

    /// Caps the size of any file the server writes (`prlimit --fsize`), or lifts the cap (`nil`): a
    /// write past it fails as on a full disk, for this process alone.
    func limitFileSize(to bytes: Int?) throws {
        let unlimited = rlim_t.max  // RLIM_INFINITY, which Swift cannot import (a negative literal)
        var limit = rlimit(rlim_cur: bytes.map { rlim_t($0) } ?? unlimited, rlim_max: unlimited)
        // Looked up: glibc declares `prlimit` only for _GNU_SOURCE, which the Glibc module is not.
        typealias Prlimit =
            @convention(c) (pid_t, Int32, UnsafePointer<rlimit>?, UnsafeMutablePointer<rlimit>?) -> Int32
        let prlimit = unsafeBitCast(try #require(dlsym(nil, "prlimit")), to: Prlimit.self)
        guard prlimit(process.processIdentifier, Int32(RLIMIT_FSIZE.rawValue), &limit, nil) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPERM)
        }
    }

    /// `kill -9`: no shutdown, no final snapshot.
    func kill9() async {
        kill(process.processIdentifier, SIGKILL)
        await exited()
    }

    /// SIGTERM: graceful shutdown with a final snapshot.
    func stop() async {
        process.terminate()
        await exited()
    }

    private func exited() async {
        await onOwnThread { [process] in process.waitUntilExit() }
    }
}
