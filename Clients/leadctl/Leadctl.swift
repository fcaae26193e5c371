import ArgumentParser

@main
struct Leadctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadctl",
        abstract: "Administer and query a LeadRouter server.",
        subcommands: [
            Health.self, Reps.self, Accounts.self, Territories.self, PolicyCommand.self, RouteCommand.self,
            Reassign.self, Availability.self, Accept.self, Complete.self, Get.self, Explain.self,
            Assignments.self, Watch.self, Stats.self, SnapshotCommand.self,
        ])
}
