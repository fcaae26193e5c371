import BenchmarkWorkload
import Foundation
import LeadRouterCore

/// `EngineProbe hours [waiting]`: the 10,000-rep, 500-rule workload with every rep outside their
/// working hours, `waiting` leads queued for the morning, then ticks as the server runs them four
/// times a second: what the time-driven look at the queue costs while nothing can be placed, and the
/// ticks between looks.
func hoursProbe(waiting: Int) throws {
    let workload = try Workload.make(detailed: false)
    // 09:00 UTC on the day after the workload was built (the engine's time never goes back).
    let nine = (workload.engine.state.lastTime.millis / 86_400_000 + 1) * 86_400_000 + 9 * 3_600_000
    let clock = ManualClock(Timestamp(millis: nine))
    let engine = RoutingEngine(
        configuration: EngineConfiguration(detailedExplanations: false), clock: clock, state: workload.engine.state)
    // Everyone works 10:00 to 18:00 UTC: an hour from now.
    let hours = WorkingHours(
        timeZone: TimeZone(identifier: "UTC")!,
        days: Dictionary(
            uniqueKeysWithValues: (1...7).map { ($0, [WorkingHours.Span(startMinute: 600, endMinute: 1080)]) }))
    let reps = engine.state.roster.reps.values.map { profile in
        var rep = profile.rep
        rep.workingHours = hours
        return rep
    }
    try engine.upsertReps(reps)
    for index in 0..<waiting {
        var lead = workload.lead(index)
        lead.createdAt = clock.now()
        try engine.route(lead)
    }
    let queued = engine.state.queue.count
    // The minute's first tick looks at the queue; the rest of the minute's ticks need not.
    clock.advance(seconds: 60)
    let looking = Date()
    engine.tick()
    let look = Date().timeIntervalSince(looking)
    let ticks = 200
    let start = Date()
    for _ in 0..<ticks {
        clock.advance(seconds: 0.25)
        engine.tick()
    }
    let elapsed = Date().timeIntervalSince(start)
    // An hour later the reps start: the first tick of their hours places what it can.
    clock.set(Timestamp(millis: nine + 3_600_000))
    let opening = Date()
    let events = engine.tick()
    let placed = events.filter { if case .offered = $0.kind { return true } else { return false } }.count
    print(
        String(
            format:
                "%d leads waiting outside working hours: a look at the queue %.2f ms, the other ticks %.1f µs each; the first tick of the hours %.1f ms, %d offers",
            queued, look * 1e3, elapsed / Double(ticks) * 1e6, Date().timeIntervalSince(opening) * 1e3, placed))
}
