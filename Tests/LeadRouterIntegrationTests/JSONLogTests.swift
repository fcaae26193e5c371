import Foundation
import LeadRouterClient
import LeadRouterServer
import Logging
import Synchronization
import Testing

/// `log_format: json`: every log line one JSON object, metadata as fields.
@Suite("JSON logs")
struct JSONLogTests {
    @Test func aLineIsOneJSONObjectWithTheMetadataAsFieldsWhateverItHolds() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "leadrouter") { label in
            JSONLogHandler(label: label, level: .info) { line in lines.withLock { $0.append(line) } }
        }
        logger[metadataKey: "client"] = "leadctl"
        logger.debug("not at this level")
        logger.warning(
            "a \"quoted\"\nmessage\u{1}",
            metadata: ["peer": "127.0.0.1:5", "level": "shadowed", "reps": ["ana", "bo"], "counts": ["open": "3"]])
        let written = lines.withLock { $0 }
        try #require(written.count == 1)
        #expect(written[0].hasSuffix("}\n") && !written[0].dropLast().contains("\n"))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == "leadrouter")
        #expect(object["message"] as? String == "a \"quoted\"\nmessage\u{1}")
        #expect(object["client"] as? String == "leadctl" && object["peer"] as? String == "127.0.0.1:5")
        #expect(object["metadata.level"] as? String == "shadowed")
        #expect(object["reps"] as? [String] == ["ana", "bo"])
        #expect((object["counts"] as? [String: String])?["open"] == "3")
        #expect((object["time"] as? String)?.hasSuffix("Z") == true)
    }

    /// The real executable with `--log-format json`: its log from start to stop parses line by line.
    @Test func theServersLogParsesLineByLine() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path), "build leadrouter first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("json-log-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try await ServerProcess.start(
            data: folder + "/data", arguments: ["--log-format", "json", "--log-level", "info"],
            errorLog: folder + "/log")
        let client = try await LeadRouterClient.connect(host: "127.0.0.1", port: server.port)
        _ = try await client.health()
        await client.close()
        await server.stop()
        let lines = try String(contentsOfFile: folder + "/log", encoding: .utf8).split(separator: "\n")
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == lines.count && lines.count >= 3, "\(lines)")
        let listening = objects.first { $0["message"] as? String == "listening" }
        #expect((listening?["address"] as? String)?.contains("127.0.0.1") == true)
        #expect(objects.contains { $0["message"] as? String == "stopped" })
    }
}
