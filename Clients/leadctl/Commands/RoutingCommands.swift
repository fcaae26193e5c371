import ArgumentParser
import Foundation
import LeadRouterClient
import LeadRouterWire

struct RouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route", abstract: "Route one lead from flags, or every lead in a JSON Lines file.")
    @OptionGroup var options: ConnectionOptions
    @Option(help: "Lead id (required without --file).") var id: String?
    @Option var source: String?
    @Option var country: String?
    @Option var state: String?
    @Option(name: .customLong("postal-code")) var postalCode: String?
    @Option var industry: String?
    @Option var employees: Int64?
    @Option(name: .customLong("deal-size")) var dealSize: Double?
    @Option var product: String?
    @Option var score: Double?
    @Option var language: String?
    @Option(name: .customLong("account-id")) var accountID: String?
    @Option var email: String?
    @Option(help: "Intent signal; repeatable.") var intent: [String] = []
    @Option(help: "JSON Lines (or array) of leads.") var file: String?
    @Flag(help: "Full per-candidate explanation.") var explain = false

    func run() async throws {
        try await withClient(options) { client in
            if let file {
                let leads = try InputFiles.messages(file, as: Leadrouter_V1_Lead.self)
                var progress = Progress(total: leads.count, quiet: options.json)
                for lead in leads {
                    let reply = try await client.route(lead, explain: explain)
                    if options.json { Output.json(reply) }
                    progress.advance(reply.assignment.state)
                }
                progress.finish()
                return
            }
            guard let id else { throw ValidationError("give --id (and lead attributes), or --file") }
            var lead = Leadrouter_V1_Lead()
            lead.id = id
            if let source { lead.source = source }
            if let country { lead.country = country }
            if let state { lead.state = state }
            if let postalCode { lead.postalCode = postalCode }
            if let industry { lead.industry = industry }
            if let employees { lead.employees = employees }
            if let dealSize { lead.dealSize = dealSize }
            if let product { lead.product = product }
            if let score { lead.score = score }
            if let language { lead.language = language }
            if let accountID { lead.accountID = accountID }
            if let email { lead.email = email }
            lead.intents = intent
            let reply = try await client.route(lead, explain: explain)
            if options.json { return Output.json(reply) }
            let assignment = reply.assignment
            let verb = reply.created ? "routed" : "already routed"
            print("\(verb) \(id): \(Explaining.summary(assignment.explanation))")
        }
    }
}

/// A one-line progress bar on stderr for file routing.
struct Progress {
    let total: Int
    let quiet: Bool
    var done = 0
    var byState: [String: Int] = [:]

    init(total: Int, quiet: Bool) {
        self.total = total
        self.quiet = quiet
    }

    mutating func advance(_ state: String) {
        done += 1
        byState[state, default: 0] += 1
        guard !quiet, done % 50 == 0 || done == total else { return }
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total)".utf8))
    }

    func finish() {
        guard !quiet else { return }
        FileHandle.standardError.write(Data("\n".utf8))
        let summary = byState.keys.sorted().map { "\($0) \(byState[$0]!)" }.joined(separator: ", ")
        print("routed \(done) leads: \(summary)")
    }
}

struct Reassign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Take a lead from its rep and route it again.")
    @OptionGroup var options: ConnectionOptions
    @Argument var lead: String
    @Option var reason: String = "reassigned by leadctl"

    func run() async throws {
        try await withClient(options) { client in
            let reply = try await client.reassign(lead, reason: reason)
            if options.json { return Output.json(reply) }
            print("reassigned \(lead): \(Explaining.summary(reply.assignment.explanation))")
        }
    }
}

struct Availability: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Report a rep's status, as a dialer would.")
    @OptionGroup var options: ConnectionOptions
    @Argument var rep: String
    @Argument(help: "available, on_call, wrap_up, away or offline.") var status: String
    @Option var capacity: Int32?
    @Option(name: .customLong("active-calls")) var activeCalls: Int32?

    func run() async throws {
        let parsed = try Names.status(parsing: status)
        try await withClient(options) { client in
            let reply = try await client.setAvailability(rep, parsed, activeCalls: activeCalls, capacity: capacity)
            if options.json { return Output.json(reply) }
            var line =
                "\(rep) is \(Names.status(reply.rep.status)) (open \(reply.rep.openAssignments)/\(reply.rep.capacity))"
            if !reply.dispatchedLeads.isEmpty {
                line += "; dispatched from queue: " + reply.dispatchedLeads.joined(separator: ", ")
            }
            print(line)
        }
    }
}

struct Accept: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Accept an offered lead (stops its SLA clock).")
    @OptionGroup var options: ConnectionOptions
    @Argument var lead: String
    @Option(help: "Only if offered to this rep.") var rep: String = ""

    func run() async throws {
        try await withClient(options) { client in
            let assignment = try await client.accept(lead, rep: rep)
            if options.json { return Output.json(assignment) }
            print("\(lead) accepted by \(assignment.rep)")
        }
    }
}

struct Complete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Close an assignment with an outcome.")
    @OptionGroup var options: ConnectionOptions
    @Argument var lead: String
    @Option(help: "e.g. won, lost, no_answer.") var outcome: String
    @Option var rep: String = ""

    func run() async throws {
        try await withClient(options) { client in
            let assignment = try await client.complete(lead, outcome: outcome, rep: rep)
            if options.json { return Output.json(assignment) }
            print("\(lead) completed by \(assignment.rep): \(assignment.outcome)")
        }
    }
}
