import ArgumentParser
import LeadRouterClient
import LeadRouterWire

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Validate, apply, show and test routing policies (docs/POLICY.md).",
        subcommands: [Validate.self, Apply.self, Show.self, TestPolicy.self, ReplayCommand.self])

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a policy file without applying it.")
        @OptionGroup var options: ConnectionOptions
        @Argument var file: String

        func run() async throws {
            let yaml = try InputFiles.text(file)
            try await withClient(options) { client in
                let reply = try await client.validatePolicy(yaml)
                if options.json { return Output.json(reply) }
                printProblems(reply.problems, file: file)
                if reply.problems.contains(where: { $0.severity == "error" }) { throw ExitCode(2) }
                print("\(file): policy \(reply.version) is valid")
            }
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate and apply a policy file.")
        @OptionGroup var options: ConnectionOptions
        @Argument var file: String

        func run() async throws {
            let yaml = try InputFiles.text(file)
            try await withClient(options) { client in
                let reply = try await client.applyPolicy(yaml)
                if options.json { return Output.json(reply) }
                printProblems(reply.problems, file: file)
                print("applied policy \(reply.version)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the applied policy.")
        @OptionGroup var options: ConnectionOptions

        func run() async throws {
            try await withClient(options) { client in
                let reply = try await client.getPolicy()
                if options.json { return Output.json(reply) }
                print(reply.yaml.isEmpty ? "# policy \(reply.version) (built-in: everyone, round-robin)" : reply.yaml)
            }
        }
    }

    struct TestPolicy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test", abstract: "Dry-run leads against a policy file; nothing is assigned.")
        @OptionGroup var options: ConnectionOptions
        @Argument(help: "Candidate policy file.") var file: String
        @Option(help: "JSON Lines (or array) of leads.") var leads: String

        func run() async throws {
            let yaml = try InputFiles.text(file)
            let samples = try InputFiles.messages(leads, as: Leadrouter_V1_Lead.self)
            try await withClient(options) { client in
                for lead in samples {
                    let explanation = try await client.dryRun(lead, policyYAML: yaml)
                    if options.json {
                        Output.json(explanation)
                    } else {
                        print("\(lead.id): \(Explaining.summary(explanation))")
                    }
                }
            }
        }
    }

    static func printProblems(_ problems: [Leadrouter_V1_PolicyProblem], file: String) {
        for problem in problems {
            let line = problem.line > 0 ? "\(problem.line):" : ""
            print("\(file):\(line) \(problem.severity): \(problem.path): \(problem.message)")
        }
    }
}
