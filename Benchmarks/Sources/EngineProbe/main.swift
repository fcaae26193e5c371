import BenchmarkWorkload
import Foundation
import LeadRouterCore

/// A plain loop over `route`, for `perf record` and quick before/after figures.
///
///     EngineProbe [count] [strategy] [detailed]  the 10,000-rep workload of RouteDecision (detailed:
///                                         with the full explanation)
///     EngineProbe queue [backlog]         a backlog of queued leads worked off by one rep, one
///                                         dispatch per completion (PUBLISH=1: a read of `state`
///                                         before each, so each change copies what it shares)
///     EngineProbe sla [offers]            ticks while offers wait on a day-long SLA
///     EngineProbe busy [waiting]          completions elsewhere while leads wait for a busy team
///                                         (`BusyTeamProbe.swift`)
///     EngineProbe hours [waiting]         ticks while leads wait for reps' working hours
///                                         (`HoursProbe.swift`)
///     EngineProbe replay [leads]          a recorded day replayed against a candidate policy
///                                         (`ReplayProbe.swift`)
///     EngineProbe server [count] [batch]  leadbench's shape: 100 reps in one pool, leads piling up,
///                                         routed in batches as the server does per socket read
/// The process's resident memory in bytes (its heap only grows while leads pile up).
func heapInUse() -> Int {
    let fields = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8))?.split(separator: " ")
    return (fields.flatMap { Int($0[1]) } ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "replay" {
    try replayProbe(leads: arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000)
    exit(0)
}
if arguments.first == "busy" {
    try busyTeamProbe(waiting: arguments.count > 1 ? Int(arguments[1]) ?? 2_000 : 2_000)
    exit(0)
}
if arguments.first == "hours" {
    try hoursProbe(waiting: arguments.count > 1 ? Int(arguments[1]) ?? 2_000 : 2_000)
    exit(0)
}
if arguments.first == "queue" {
    // A backlog: every lead queued while the team is offline, then one rep working through it.
    let backlog = arguments.count > 1 ? Int(arguments[1]) ?? 50_000 : 50_000
    let engine = RoutingEngine(configuration: EngineConfiguration(detailedExplanations: false))
    try engine.upsertReps([Rep(id: "solo", teams: ["inbound"], capacity: 1)])
    for index in 0..<backlog {
        _ = try engine.route(Lead(id: "q-\(index)", createdAt: engine.clock.now(), score: Double(index % 100)))
    }
    try engine.setAvailability("solo", status: .available)
    let rounds = 2_000
    let publishing = ProcessInfo.processInfo.environment["PUBLISH"] != nil
    let start = Date()
    for _ in 0..<rounds {
        // Completing the offered lead frees the rep, which takes the best waiting lead in the same call.
        // `read`, not `state`: publishing a snapshot would make the next change copy what it shares.
        guard let offered = engine.read({ $0.openLeads(of: "solo").first }) else { break }
        if publishing { _ = engine.state.lastSeq }
        _ = try engine.accept(offered)
        _ = try engine.complete(offered, outcome: "done")
    }
    let elapsed = Date().timeIntervalSince(start)
    print("queue of \(backlog): \(Int(elapsed / Double(rounds) * 1e6)) µs per accept + complete + dispatch")
    exit(0)
}
if arguments.first == "sla" {
    // Offers waiting on a day-long SLA, their deadlines spread over many seconds; then ticks with
    // nothing due yet, as the server runs them four times a second.
    let offers = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000
    let clock = ManualClock(Timestamp(millis: 1_767_225_600_000))
    let engine = RoutingEngine(configuration: EngineConfiguration(detailedExplanations: false), clock: clock)
    try engine.upsertReps([Rep(id: "solo", teams: ["inbound"], capacity: 100_000_000)])
    try engine.setAvailability("solo", status: .available)
    _ = try engine.applyPolicy(
        Policy(
            version: "sla", rules: [],
            defaultRule: Rule(name: "default", target: .init(pool: Pool()), slaSeconds: 86_400)))
    for index in 0..<offers {
        if index % 2 == 0 { clock.advance(seconds: 1) }
        _ = try engine.route(Lead(id: "s-\(index)", createdAt: clock.now()))
    }
    let ticks = 200
    let start = Date()
    for _ in 0..<ticks { _ = engine.tick() }
    let elapsed = Date().timeIntervalSince(start)
    print("\(offers) offers waiting: \(Int(elapsed / Double(ticks) * 1e6)) µs per tick")
    exit(0)
}
if arguments.first == "server" {
    let count = arguments.count > 1 ? Int(arguments[1]) ?? 400_000 : 400_000
    let batch = arguments.count > 2 ? Int(arguments[2]) ?? 1 : 1
    let engine = RoutingEngine(configuration: EngineConfiguration(detailedExplanations: false))
    let reps = (0..<100).map { Rep(id: "rep-\($0)", teams: ["inbound"], capacity: 100_000_000) }
    try engine.upsertReps(reps)
    for rep in reps { try engine.setAvailability(rep.id, status: .available) }
    let segment = count / 4
    var routed = 0
    let heapBefore = heapInUse()
    while routed < count {
        let start = Date()
        var done = 0
        while done < segment {
            let leads = (0..<batch).map {
                Lead(id: "b0-\(routed + done + $0)-1764000000000000", createdAt: engine.clock.now())
            }
            _ = engine.route(batch: leads)
            done += batch
        }
        let elapsed = Date().timeIntervalSince(start)
        routed += done
        print("batch \(batch): routes \(routed - done)..<\(routed): \(Int(elapsed / Double(done) * 1e9)) ns/route")
    }
    // What each open assignment keeps in memory (the history ring's last events included).
    print("resident memory: \((heapInUse() - heapBefore) / routed) bytes more per route")
} else {
    let detailed = arguments.contains("detailed")
    let rest = arguments.filter { $0 != "detailed" }
    let count = Int(rest.first ?? "") ?? 20_000
    let only = rest.dropFirst().first.flatMap(RoutingStrategy.init(rawValue:))
    let setup = try Workload.make(detailed: detailed, only: only)
    // `perf record -D -1 --control fifo:$PERF_CONTROL` counts the routes only, not the setup.
    if let control = ProcessInfo.processInfo.environment["PERF_CONTROL"] {
        try "enable\n".write(toFile: control, atomically: false, encoding: .utf8)
    }
    let start = Date()
    for iteration in 0..<count { _ = try setup.engine.route(setup.lead(iteration)) }
    let elapsed = Date().timeIntervalSince(start)
    print(
        "\(only?.rawValue ?? "mixed")\(detailed ? ", detailed" : ""): \(count) routes in \(elapsed) s = \(Int(elapsed / Double(count) * 1e9)) ns/route"
    )
    // Leave without tearing the engine down: freeing every record takes longer than routing them and
    // would fill a profile of the routes.
    exit(0)
}
