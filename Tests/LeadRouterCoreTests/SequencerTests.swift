import Dispatch
import Foundation
import Testing

@testable import LeadRouterCore

@Suite("Sequencer")
struct SequencerTests {
    /// Commands from many threads at once run one at a time, each exactly once, on one value: the
    /// counter ends at the number of commands, every command saw a different count, and each thread's
    /// commands ran in the order it issued them.
    @Test func commandsFromManyThreadsRunOneAtATimeEachExactlyOnce() {
        let sequencer = Sequencer(0)
        let results = LockedList<Int>()
        let threads = 8
        let perThread = 5000
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            var mine: [Int] = []
            for _ in 0..<perThread {
                mine.append(
                    sequencer.run { count in
                        count += 1
                        return count
                    })
            }
            #expect(mine == mine.sorted())
            results.append(contentsOf: mine)
        }
        #expect(results.all.sorted() == Array(1...threads * perThread))
        #expect(sequencer.run { $0 } == threads * perThread)
    }

    /// Four times as many threads as this machine has cores, each command long enough (a few
    /// microseconds) that waiters stop spinning and give their core away, in rounds: every thread
    /// issues one command, then all wait for each other, so a queued command that nobody runs has
    /// nobody coming after it and the round never ends (the test fails after a minute; it takes well
    /// under a second). A command run twice or never breaks the log.
    @Test func waitersThatGiveTheirCoreAwayAllFinishAndEveryCommandRunsOnce() throws {
        let sequencer = Sequencer([Int]())
        let threads = 4 * max(2, ProcessInfo.processInfo.activeProcessorCount)
        let rounds = 3000
        let barrier = RoundBarrier(parties: threads)
        let finished = DispatchGroup()
        for thread in 0..<threads {
            finished.enter()
            Thread.detachNewThread {
                for round in 0..<rounds {
                    sequencer.run { log in
                        // Keep the turn a while, so that others queue behind it and yield.
                        let until = DispatchTime.now().uptimeNanoseconds + 2_000
                        while DispatchTime.now().uptimeNanoseconds < until {}
                        log.append(round * threads + thread)
                    }
                    barrier.arriveAndWait()
                }
                finished.leave()
            }
        }
        let outcome = finished.wait(timeout: .now() + 60)
        try #require(outcome == .success, "a queued command never ran")
        let log = sequencer.run { $0 }
        #expect(log.count == threads * rounds)
        // Round by round, each thread's command exactly once.
        #expect(log.map { $0 / threads } == log.map { $0 / threads }.sorted())
        #expect(Set(log) == Set(0..<threads * rounds))
    }
}

/// Threads wait at it until all `parties` have arrived, then all go on; reusable round after round.
private final class RoundBarrier: @unchecked Sendable {
    private let condition = NSCondition()
    private let parties: Int
    private var arrived = 0
    private var round = 0

    init(parties: Int) { self.parties = parties }

    func arriveAndWait() {
        condition.lock()
        defer { condition.unlock() }
        let mine = round
        arrived += 1
        if arrived == parties {
            arrived = 0
            round += 1
            condition.broadcast()
        } else {
            while round == mine { condition.wait() }
        }
    }
}
