import ArgumentParser
import LeadRouterClient
import LeadRouterWire

struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that the server is up.",
        discussion: "Exits 0 when the server is SERVING, 1 when it answers with another status (DRAINING, READ_ONLY).")
    @OptionGroup var options: ConnectionOptions

    func run() async throws {
        let health = try await withClient(options) { client in try await client.health() }
        if options.json {
            Output.json(health)
        } else {
            print(
                "\(health.status)  version \(health.version)  policy \(health.policyVersion)  reps \(health.reps)  last seq \(health.lastSeq)"
            )
            if !health.reason.isEmpty { print(health.reason) }
        }
        if health.status != "SERVING" { throw ExitCode(1) }
    }
}

struct Reps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load and list reps.", subcommands: [Import.self, List.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Upsert reps from a JSON file (docs/FILES.md).")
        @OptionGroup var options: ConnectionOptions
        @Argument(help: "JSON array or JSON Lines of reps.") var file: String

        func run() async throws {
            let reps = try InputFiles.messages(file, as: Leadrouter_V1_Rep.self)
            try await withClient(options) { client in
                let reply = try await client.upsertReps(reps)
                if options.json { return Output.json(reply) }
                print(
                    "upserted \(reply.changed) reps (seq \(reply.seq)); they start offline until their dialer reports availability"
                )
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List reps with their live state.")
        @OptionGroup var options: ConnectionOptions
        @Option(help: "Only this team.") var team: String = ""

        func run() async throws {
            try await withClient(options) { client in
                let reps = try await client.listReps(team: team)
                if options.json { return Output.jsonLines(reps) }
                Output.table(
                    ["REP", "NAME", "TEAMS", "STATUS", "OPEN", "CAPACITY", "CALLS", "TODAY"],
                    reps.map {
                        [
                            $0.rep.id, $0.rep.name, $0.rep.teams.joined(separator: ","), Names.status($0.status),
                            "\($0.openAssignments)", "\($0.capacity)", "\($0.activeCalls)", "\($0.assignedToday)",
                        ]
                    })
            }
        }
    }
}

struct Accounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load account owners.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set account owners from a JSON file (docs/FILES.md).")
        @OptionGroup var options: ConnectionOptions
        @Argument(help: "JSON array or JSON Lines of {account_id, domain, rep}.") var file: String
        @Flag(help: "Replace all owners instead of adding to them.") var replace = false

        func run() async throws {
            let owners = try InputFiles.messages(file, as: Leadrouter_V1_AccountOwner.self)
            try await withClient(options) { client in
                let reply = try await client.setAccountOwners(owners, replace: replace)
                if options.json { return Output.json(reply) }
                print("set \(reply.changed) account owners (seq \(reply.seq))")
            }
        }
    }
}

struct Territories: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load territories.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace territories from a JSON file (docs/FILES.md).")
        @OptionGroup var options: ConnectionOptions
        @Argument(help: "JSON array or JSON Lines of territories.") var file: String

        func run() async throws {
            let territories = try InputFiles.messages(file, as: Leadrouter_V1_Territory.self)
            try await withClient(options) { client in
                let reply = try await client.setTerritories(territories)
                if options.json { return Output.json(reply) }
                print("set \(reply.changed) territories (seq \(reply.seq))")
            }
        }
    }
}

/// Human names for wire enums.
enum Names {
    static func status(_ status: Leadrouter_V1_RepStatus) -> String {
        switch status {
        case .available: "available"
        case .onCall: "on_call"
        case .wrapUp: "wrap_up"
        case .away: "away"
        case .offline: "offline"
        default: "unknown"
        }
    }

    static func status(parsing text: String) throws -> Leadrouter_V1_RepStatus {
        switch text.lowercased().replacingOccurrences(of: "-", with: "_") {
        case "available": .available
        case "on_call": .onCall
        case "wrap_up": .wrapUp
        case "away": .away
        case "offline": .offline
        default: throw ValidationError("status must be available, on_call, wrap_up, away or offline; got '\(text)'")
        }
    }
}

struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Ask the server to write a snapshot of its state now.")
    @OptionGroup var options: ConnectionOptions

    func run() async throws {
        try await withClient(options) { client in
            let reply = try await client.snapshot()
            if options.json { return Output.json(reply) }
            print("snapshot requested at seq \(reply.seq); the server logs when it is written")
        }
    }
}

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the server's database into a folder on its host while it serves.",
        discussion: "The folder becomes a data folder: `leadrouter serve --data FOLDER` starts from the copy.")
    @OptionGroup var options: ConnectionOptions
    @Argument(help: "An absolute path on the server's host; made if missing.") var folder: String

    func run() async throws {
        try await withClient(options) { client in
            // A large database takes a while to copy; the call's own deadline would cut it short.
            let reply = try await client.backup(into: folder, timeout: .seconds(3600))
            if options.json { return Output.json(reply) }
            print("backed up to \(reply.file): \(reply.bytes) bytes, events through seq \(reply.lastSeq)")
            print("restore: leadrouter serve --data \(folder)")
        }
    }
}
