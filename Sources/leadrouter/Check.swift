import ArgumentParser
import Foundation
import LeadRouterCore
import LeadRouterStorage
import Logging

/// `leadrouter check --data FOLDER`: recovers a data folder (a backup, or a stopped server's) the way
/// a server starting there would, and says what it holds, without serving and without cutting a
/// damaged journal tail. A backup nobody has restored is not known to be one.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that a data folder (a backup, or a stopped server's) recovers, and say what it holds.",
        discussion: "Exits 0 when it recovers cleanly, 1 with warnings, 3 when it cannot be recovered.")

    @Option(help: "The data folder to check.")
    var data: String = "data"

    func run() throws {
        let file = (data as NSString).appendingPathComponent("leadrouter.sqlite")
        guard FileManager.default.fileExists(atPath: file) else {
            print("\(data): no leadrouter.sqlite here; not a data folder")
            throw ExitCode(3)
        }
        var logger = Logger(label: "leadrouter")
        logger.logLevel = .critical  // the warnings are printed below, once
        let outcome: Recovery.Outcome
        do {
            let store = try JournalStore(configuration: StorageConfiguration(directory: data), logger: logger)
            defer { store.close() }
            outcome = try Recovery.recover(store, logger: logger, truncating: false)
        } catch {
            print("\(file): cannot be recovered: \(error)")
            throw ExitCode(3)
        }
        print(Self.summary(outcome, file: file))
        for warning in outcome.warnings { print("warning: \(warning)") }
        if !outcome.warnings.isEmpty { throw ExitCode(1) }
    }

    static func summary(_ outcome: Recovery.Outcome, file: String) -> String {
        let state = outcome.state
        var byState: [AssignmentState: Int] = [:]
        state.assignments.forEachRecord { byState[$0.state, default: 0] += 1 }
        let counts = [AssignmentState.queued, .offered, .accepted, .completed].map {
            "\(byState[$0] ?? 0) \($0.rawValue)"
        }
        return """
            \(file): recovers to seq \(state.lastSeq) (snapshot at seq \(outcome.snapshotSeq), then \(outcome.replayedEvents) journal events)
            \(state.roster.reps.count) reps, \(state.assignments.count) assignments in memory (\(counts.joined(separator: ", "))), policy \(state.policy.policy.version)
            """
    }
}
