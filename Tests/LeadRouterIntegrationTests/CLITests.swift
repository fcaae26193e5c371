import Foundation
import LeadRouterCore
import LeadRouterTesting
import Testing

/// Runs the built `leadctl` binary against a real server and checks what it prints.
@Suite("leadctl")
struct CLITests {
    struct Run {
        var status: Int32
        var out: String
        var err: String
    }

    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples").standardizedFileURL.path

    static var leadctl: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("leadctl")
    }

    static func leadctl(_ arguments: [String], port: Int) async throws -> Run {
        let process = Process()
        process.executableURL = leadctl
        process.arguments = arguments
        process.environment = ["LEADROUTER_SERVER": "127.0.0.1:\(port)", "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let (output, errors) = await onOwnThread {
            let output = out.fileHandleForReading.readDataToEndOfFile()
            let errors = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (output, errors)
        }
        return Run(
            status: process.terminationStatus, out: String(decoding: output, as: UTF8.self),
            err: String(decoding: errors, as: UTF8.self))
    }

    @Test func theWalkthroughWorksEndToEnd() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.leadctl.path), "build leadctl first (swift build)")
        try await TestServer.with { server in
            let run = { (arguments: [String]) in try await Self.leadctl(arguments, port: server.port) }
            let ex = Self.examples
            #expect(try await run(["health"]).out.hasPrefix("SERVING"))
            // Shared options may come before the subcommand; the environment points nowhere useful here.
            let leading = try await Self.leadctl(["--server", "127.0.0.1:\(server.port)", "--json", "health"], port: 1)
            #expect(leading.status == 0 && leading.out.contains("\"status\":\"SERVING\""))
            #expect(try await run(["reps", "import", "\(ex)/reps.json"]).out.contains("upserted 6 reps"))
            #expect(
                try await run(["territories", "import", "\(ex)/territories.json"]).out.contains("set 3 territories"))
            #expect(try await run(["accounts", "import", "\(ex)/accounts.json"]).out.contains("set 2 account owners"))
            for rep in ["ana", "bo", "cy", "di", "ed", "fay"] {
                let line = try await run(["availability", rep, "available"]).out
                #expect(line.hasPrefix("\(rep) is available"))
            }
            let validated = try await run(["policy", "validate", "\(ex)/policy.yaml"])
            #expect(validated.status == 0 && validated.out.contains("policy 2026-11-24.1 is valid"))
            #expect(
                try await run(["policy", "apply", "\(ex)/policy.yaml"]).out.contains("applied policy 2026-11-24.1"))
            #expect(try await run(["policy", "show"]).out.contains("enterprise-hot"))
            let tested = try await run(["policy", "test", "\(ex)/policy.yaml", "--leads", "\(ex)/leads.jsonl"]).out
            #expect(tested.contains("lead-1004: → ana by rule 'abm-owner'"))
            #expect(server.engine.state.assignments.isEmpty, "policy test assigns nothing")

            let routed = try await run(["route", "--file", "\(ex)/leads.jsonl"])
            #expect(routed.out.contains("routed 6 leads"))
            #expect(routed.err.contains("6/6"))
            let single = try await run([
                "route", "--id", "lead-2000", "--source", "web", "--country", "DE", "--postal-code", "10115",
            ])
            #expect(single.out.hasPrefix("routed lead-2000: → bo by rule 'dach-territory'"))
            let explained = try await run(["explain", "lead-1003"]).out
            #expect(explained.contains("rule 'enterprise-hot'"))
            #expect(explained.contains("stage 1: pool teams=enterprise, weighted"))
            #expect(try await run(["accept", "lead-2000"]).out.contains("accepted by bo"))
            #expect(try await run(["complete", "lead-2000", "--outcome", "won"]).out.contains("completed by bo: won"))
            let got = try await run(["get", "lead-2000", "--json"]).out
            let json = try JSONSerialization.jsonObject(with: Data(got.utf8)) as? [String: Any]
            #expect(json?["state"] as? String == "completed")
            let listed = try await run(["assignments", "--state", "completed"]).out
            #expect(listed.contains("lead-2000") && !listed.contains("lead-1001"))
            let reassigned = try await run(["reassign", "lead-1001", "--reason", "language"])
            #expect(reassigned.status == 0)
            let stats = try await run(["stats"]).out
            #expect(stats.contains("assignments 7"))
            let watched = try await run(["watch", "--from-seq", "1", "--count", "3"]).out
            #expect(watched.split(separator: "\n").count == 3)
            #expect(watched.hasPrefix("2  "))
            #expect(try await run(["reps", "list"]).out.contains("Ana Alves"))
        }
    }

    /// Standard output is block-buffered into a pipe: `leadctl watch | grep …` showed nothing until
    /// the stream ended, and a watch stopped with Ctrl-C never showed its lines at all.
    @Test func watchPrintsEachEventWhileItRunsEvenIntoAPipe() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.leadctl.path), "build leadctl first (swift build)")
        try await TestServer.with { server in
            #expect(
                try await Self.leadctl(["reps", "import", "\(Self.examples)/reps.json"], port: server.port).status == 0)
            #expect(try await Self.leadctl(["availability", "ana", "available"], port: server.port).status == 0)
            let watch = Process()
            watch.executableURL = Self.leadctl
            // From the first event on, so the offer is seen however late the subscription starts.
            watch.arguments = ["watch", "--from-seq", "1"]
            watch.environment = ["LEADROUTER_SERVER": "127.0.0.1:\(server.port)", "PATH": "/usr/bin:/bin"]
            let out = Pipe()
            watch.standardOutput = out
            watch.standardError = FileHandle.nullDevice
            try watch.run()
            let pid = watch.processIdentifier
            defer { kill(pid, SIGTERM) }
            let routed = try await Self.leadctl(["route", "--id", "lead-1", "--source", "web"], port: server.port)
            #expect(routed.status == 0)
            let reading = out.fileHandleForReading
            let printed = await onOwnThread {
                // Should the line never come, the watch is stopped and its pipe ends the read.
                let giveUp = DispatchWorkItem { kill(pid, SIGTERM) }
                DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: giveUp)
                defer { giveUp.cancel() }
                var text = ""
                while !text.contains("lead=lead-1") {
                    let chunk = reading.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                return text
            }
            #expect(printed.contains("offered  lead=lead-1  rep=ana"))
            #expect(watch.isRunning, "the line came while the watch was still following the stream")
        }
    }

    @Test func getShowsSpeedToLeadAndWhoLetTheLeadExpire() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.leadctl.path), "build leadctl first (swift build)")
        let clock = ManualClock()
        try await TestServer.with(clock: clock) { server in
            let client = try await server.client()
            try await WireFixtures.seed(client, reps: ["ana", "bo"])
            let first = try await client.route(WireFixtures.lead("slow-1")).assignment.rep
            let fresh = try await Self.leadctl(["get", "slow-1"], port: server.port).out
            #expect(fresh.contains("speed to lead: offered 0 ms after it came in\n"))
            #expect(!fresh.contains("let expire by"))
            clock.advance(seconds: 301)  // past the default rule's 300-second SLA: the tick moves it on
            let waited = ContinuousClock.now
            while server.engine.state.assignments["slow-1"]?.expiredReps.isEmpty != false,
                ContinuousClock.now < waited + .seconds(30)
            {
                try await Task.sleep(for: .milliseconds(20))
            }
            clock.advance(seconds: 42)
            #expect(try await Self.leadctl(["accept", "slow-1"], port: server.port).status == 0)
            let shown = try await Self.leadctl(["get", "slow-1"], port: server.port).out
            #expect(
                shown.contains("speed to lead: offered 0 ms after it came in, accepted 5.7 min after the first offer"))
            #expect(shown.contains("let expire by: \(first) (never offered to them again)"))
            let history = try await Self.leadctl(["history", "slow-1"], port: server.port).out
            let events = history.split(separator: "\n").dropFirst().map { $0.split(separator: " ", maxSplits: 4) }
            #expect(events.map { String($0[2]) } == ["offered", "expired", "offered", "accepted"], "\(history)")
            #expect(events.first.map { String($0[3]) } == first)
            #expect(!history.contains("no longer kept"))
        }
    }

    @Test func errorsPrintTheStatusAndWhatToDoAndExitNonZero() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.leadctl.path), "build leadctl first (swift build)")
        try await TestServer.with { server in
            let missing = try await Self.leadctl(["get", "nope"], port: server.port)
            #expect(missing.status != 0)
            #expect(missing.err.contains("NOT_FOUND: lead 'nope' has never been routed"))
            #expect(missing.err.contains("hint:"))
            let badStatus = try await Self.leadctl(["availability", "x", "sleeping"], port: server.port)
            #expect(badStatus.status != 0 && badStatus.err.contains("status must be available"))
            let policy = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).yaml")
            try "version: v\nrules:\n  - name: x\n    pool: {}\n    strategy: lottery\ndefault:\n  pool: {}\n".write(
                to: policy, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: policy) }
            let invalid = try await Self.leadctl(["policy", "validate", policy.path], port: server.port)
            #expect(invalid.status != 0)
            #expect(invalid.out.contains(":5: error: rules[0] (x).strategy: unknown strategy 'lottery'"))
            // A file's bad line is named by its number (blank lines and CRLF endings counted right),
            // in words rather than the JSON decoder's case name, without the command's usage.
            let leads = FileManager.default.temporaryDirectory.appendingPathComponent("leads-\(UUID()).jsonl")
            try "{\"id\":\"a\",\"employees\":5}\r\n\r\n{\"id\":\"b\",\"colour\":\"red\"}\r\n".write(
                to: leads, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: leads) }
            let badLine = try await Self.leadctl(["route", "--file", leads.path], port: server.port)
            #expect(badLine.status != 0)
            #expect(badLine.err.contains("\(leads.path):3: not a valid Lead: unknown field 'colour'"))
            #expect(!badLine.err.contains("Usage:"))
            try "{\"id\":\"a\",\"employees\":5}\r\n\r\n{\"id\":\"b\",,}\r\n".write(
                to: leads, atomically: true, encoding: .utf8)
            let malformed = try await Self.leadctl(["route", "--file", leads.path], port: server.port)
            #expect(malformed.err.contains(":3: not a valid Lead: not valid JSON"))
            #expect(server.engine.state.assignments.isEmpty, "a file with a bad line routes none of it")
            let snapshot = try await Self.leadctl(["snapshot"], port: server.port)
            #expect(
                snapshot.status != 0 && snapshot.err.contains("FAILED_PRECONDITION")
                    && snapshot.err.contains("in-memory"))
            let down = try await Self.leadctl(["health", "--server", "127.0.0.1:1"], port: server.port)
            #expect(down.status != 0 && down.err.contains("UNAVAILABLE") && down.err.contains("is the server running?"))
        }
    }
}
