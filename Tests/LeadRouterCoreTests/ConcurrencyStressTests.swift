import Dispatch
import Foundation
import LeadRouterCore
import Testing

@Suite("Concurrency stress")
struct ConcurrencyStressTests {
    /// Readers of a small history ring racing one writer: every read answers consecutive events from
    /// the number asked for, each the offer of the lead routed as that number (so never a slot from
    /// another lap of the ring or half written), or `nil` once that number was overwritten.
    @Test func historyReadersRacingTheWriterSeeWholeConsecutiveEvents() throws {
        let engine = try Fixtures.engine(detailed: false, reps: Fixtures.team("t", ["a", "b"], capacity: 1_000_000))
        let engineWithSmallRing = RoutingEngine(
            configuration: EngineConfiguration(detailedExplanations: false, historyCapacity: 256),
            clock: engine.clock, state: engine.state)
        let before = engineWithSmallRing.lastSeq
        let routes = 30_000
        let reads = LockedList<Int>()
        let finished = LockedList<Bool>()
        // Threads of their own: the readers spin until the writer is done, so they must not wait for a
        // place in a pool of as many threads as cores.
        let done = DispatchGroup()
        for thread in 1...2 {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                var random = SeededGenerator(seed: UInt64(thread))
                var answered = 0
                while finished.all.isEmpty {
                    let last = engineWithSmallRing.lastSeq
                    let after = max(before, last - min(last, UInt64.random(in: 0..<400, using: &random)))
                    guard let events = engineWithSmallRing.events(after: after, limit: 64) else { continue }
                    answered += 1
                    for (offset, event) in events.enumerated() {
                        #expect(event.seq == after + 1 + UInt64(offset))
                        #expect(event.lead == "lead-\(event.seq - before - 1)")
                    }
                }
                reads.append(answered)
            }
        }
        for number in 0..<routes { _ = try? engineWithSmallRing.route(Fixtures.lead("lead-\(number)")) }
        finished.append(true)
        done.wait()
        #expect(engineWithSmallRing.lastSeq == before + UInt64(routes))
        #expect(reads.all.count == 2 && reads.all.reduce(0, +) > 0)
        #expect(engineWithSmallRing.events(after: before + UInt64(routes) - 256, limit: .max)?.count == 256)
    }

    @Test func manyThreadsRoutingBatchingReassigningAndFlippingAvailabilityKeepEveryInvariant() throws {
        let collector = LockedList<EngineEvent>()
        let threads = 8
        let operations = 1000
        let engine = RoutingEngine(
            configuration: EngineConfiguration(detailedExplanations: false, historyCapacity: 1 << 18),
            eventSink: { collector.append(contentsOf: $0) })
        let reps = (0..<12).map { Rep(id: "r\($0)", teams: ["t"], weight: Double($0 % 3 + 1), capacity: $0 % 5 + 2) }
        try engine.upsertReps(reps)
        try engine.applyPolicy(
            Fixtures.policy(
                [
                    Rule(
                        name: "weighted", condition: .equals(.source, "w"),
                        target: .init(pool: .team("t"), strategy: .weighted)),
                    Rule(
                        name: "load", condition: .equals(.source, "l"),
                        target: .init(pool: .team("t"), strategy: .leastLoaded)),
                ], default: .init(pool: .team("t"))))
        for rep in reps { try engine.setAvailability(rep.id, status: .available) }

        let snapshots = LockedList<EngineState>()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var random = SeededGenerator(seed: UInt64(thread))
            for step in 0..<operations {
                // A reader's snapshot, kept while the writers go on changing the state in place.
                if step == operations / 2 + thread * 10 { snapshots.append(engine.state) }
                let lead = "t\(thread)-\(step)"
                let rep = "r\(Int.random(in: 0..<12, using: &random))"
                switch Int.random(in: 0..<10, using: &random) {
                case 0..<5:
                    let source = ["w", "l", "rr"].randomElement(using: &random)!
                    _ = try? engine.route(Fixtures.lead(lead) { $0.source = source })
                    // The same lead from another thread must not create a second assignment.
                    _ = try? engine.route(Fixtures.lead("shared-\(step)"))
                case 5:
                    _ = try? engine.setAvailability(
                        rep, status: [.available, .onCall, .away, .offline].randomElement(using: &random)!)
                case 6:
                    _ = try? engine.setAvailability(rep, status: .available)
                case 7:
                    _ = try? engine.reassign("t\(thread)-\(Int.random(in: 0...step, using: &random))")
                case 8:
                    _ = try? engine.complete("t\(thread)-\(Int.random(in: 0...step, using: &random))", outcome: "done")
                case 9 where step % 2 == 0:
                    // A batch as the server commits one: new leads, a lead shared with other threads,
                    // and a repeat inside the batch itself.
                    let batch = (0..<Int.random(in: 1...6, using: &random)).map { Fixtures.lead("\(lead)-b\($0)") }
                    _ = engine.route(batch: batch + [Fixtures.lead("shared-\(step)"), batch[0]])
                default:
                    _ = try? engine.accept("shared-\(Int.random(in: 0...step, using: &random))")
                }
            }
        }

        let state = engine.state
        InvariantChecks.checkState(state)
        // The sink sees every sequence number exactly once.
        let events = collector.all.sorted { $0.seq < $1.seq }
        #expect(events.map(\.seq) == Array(1...state.lastSeq))
        try InvariantChecks.checkOffers(events)
        #expect(try EngineState(replaying: events) == state)
        let history = try #require(engine.events(after: 0, limit: Int.max))
        #expect(history == events)
        // Snapshots taken mid-run were not touched by the changes made after them.
        for snapshot in snapshots.all {
            #expect(try EngineState(replaying: events.prefix { $0.seq <= snapshot.lastSeq }) == snapshot)
        }
        // Leads routed by several threads at once were offered at most once at a time (checkOffers);
        // each has exactly one record whose open work is counted once (checkState).
        #expect(state.assignments.keys.contains { $0.hasPrefix("shared-") })
    }
}
