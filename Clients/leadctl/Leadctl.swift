import ArgumentParser

@main
struct Leadctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadctl",
        abstract: "Administer and query a LeadRouter server.",
        subcommands: [
            Health.self, Reps.self, Accounts.self, Territories.self, PolicyCommand.self, RouteCommand.self,
            Reassign.self, Availability.self, Accept.self, Complete.self, Get.self, Explain.self, History.self,
            Assignments.self, Watch.self, Stats.self, SnapshotCommand.self, BackupCommand.self,
        ])

    /// Accepts the shared options before the subcommand too (`leadctl --server H:P health`), by moving
    /// them after it, where every subcommand declares them.
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var moved: [String] = []
        while let first = arguments.first, first.hasPrefix("--") {
            let name = first.split(separator: "=").first.map(String.init) ?? first
            let flags = ["--json", "--tls"]
            let options = ["--server", "--timeout", "--token", "--tls-ca", "--tls-cert", "--tls-key"]
            guard (flags + options).contains(name) else { break }
            moved.append(arguments.removeFirst())
            if options.contains(name), !first.contains("="), !arguments.isEmpty {
                moved.append(arguments.removeFirst())
            }
        }
        await main(arguments + moved)
    }
}
