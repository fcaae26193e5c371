import ArgumentParser
import Foundation

@main
struct LeadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadbench",
        abstract: "Load generator for LeadRouter, the ceiling reference, the gRPC peer and Redis.",
        subcommands: [Run.self, Redis.self, Table.self, SelfCheck.self],
        defaultSubcommand: Run.self)
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure one server at one shape (C, D, workload).")

    @OptionGroup var options: LoadOptions

    func validate() throws {
        guard options.connections > 0, options.depth > 0, options.duration > 0, options.requests > 0 else {
            throw ValidationError("connections, depth, duration and requests must be positive")
        }
        if options.target != .leadrouter && options.workload != .route {
            throw ValidationError("the \(options.workload) workload needs --target leadrouter")
        }
    }

    func run() async throws {
        let result =
            options.target == .grpc
            ? try await GRPCLoad.run(options: options) : try await SocketLoad.run(options: options)
        print(result.line)
        if let output = options.output { try result.append(to: output) }
        if result.requests == 0 { throw BenchError("no request completed: \(result.firstError ?? "no reply at all")") }
    }
}

struct Redis: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run redis-benchmark (INCR) and report it like the others.")

    @Option var port: Int = 6379
    @Option(name: [.customShort("c"), .long]) var connections: Int = 8
    @Option(name: [.customShort("d"), .long]) var depth: Int = 1
    @Option var requests: Int = 500_000
    @Option var serverPid: Int32?
    @Option var label: String = "redis"
    @Option var output: String?

    func run() throws {
        let result = try RedisLoad.run(
            port: port, connections: connections, depth: depth, requests: requests, serverPid: serverPid, label: label)
        print(result.line)
        if let output { try result.append(to: output) }
    }
}

struct Table: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the Markdown tables for a results file.")

    @Argument(help: "JSON lines written by `run --output` and `redis --output`.")
    var file: String

    func run() throws {
        print(try ResultsTable(file: file).markdown, terminator: "")
    }
}
