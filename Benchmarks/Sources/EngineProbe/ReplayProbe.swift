import BenchmarkWorkload
import Foundation
import LeadRouterCore

/// `EngineProbe replay [leads]`: records a day in the 10,000-rep, 500-rule workload (a lead every
/// 100 ms of simulated time; reps accept seven offers in ten after 5 to 30 s and let the rest expire;
/// accepted leads are completed five minutes later; the engine ticks every simulated second), then
/// times a replay of it against a candidate (the same roster, every rule round-robin).
func replayProbe(leads count: Int) throws {
    let workload = try Workload.make(detailed: false)
    let start = workload.engine.state
    // On a whole second: offers expire by the second, so the phase of the start would change the run.
    let clock = ManualClock(Timestamp(millis: (start.lastTime.millis / 1000 + 1) * 1000))
    let engine = RoutingEngine(
        configuration: EngineConfiguration(detailedExplanations: false, historyCapacity: 1 << 23), clock: clock,
        state: start)
    var answers: [Int64: [(lead: LeadID, complete: Bool)]] = [:]
    var seen = start.lastSeq
    let recordingStarted = Date()
    for index in 0..<count {
        clock.advance(seconds: 0.1)
        var lead = workload.lead(index)
        lead.createdAt = clock.now()
        try engine.route(lead)
        let second = clock.now().seconds
        if index % 10 == 0 {
            engine.tick()
            for (lead, complete) in answers.removeValue(forKey: second) ?? [] {
                if complete {
                    _ = try? engine.complete(lead, outcome: "done")
                } else if (try? engine.accept(lead)) != nil {
                    answers[second + 300, default: []].append((lead, true))
                }
            }
        }
        for event in engine.events(after: seen, limit: .max) ?? [] {
            // Leads are numbered: seven in ten accepted, after 5 to 30 s (fixed per lead, so runs compare).
            if case .offered(let offer) = event.kind, let number = Int(offer.lead.id.dropFirst(5)), number % 10 < 7 {
                answers[second + 5 + Int64(number % 26), default: []].append((offer.lead.id, false))
            }
        }
        seen = engine.lastSeq
    }
    let window = try require(engine.events(after: start.lastSeq, limit: .max))
    let recording = Date().timeIntervalSince(recordingStarted)
    let candidate = try Workload.make(detailed: false, only: .roundRobin).engine.state.policy.policy

    let replayStarted = Date()
    var replay = PolicyReplay(start: start, candidate: candidate)
    for event in window { try replay.record(event) }
    let recorded = Date().timeIntervalSince(replayStarted)
    let report = replay.run()
    let total = Date().timeIntervalSince(replayStarted)
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    print(
        String(
            format:
                "replay of %d events (%d leads, 10,000 reps, 500 rules; recorded in %.2f s, %d leads left waiting): read %.2f s, two runs %.2f s, %.0f events/s in all; %d leads moved, SLA misses %d live / %d candidate; peak memory %d MB (the recording's engine included)",
            window.count, report.recorded.leads, recording, engine.state.queue.count, recorded, total - recorded,
            Double(window.count) / total, report.changedLeads, report.live.slaMisses, report.candidate.slaMisses,
            usage.ru_maxrss / 1024))
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw CocoaError(.featureUnsupported) }
    return value
}
