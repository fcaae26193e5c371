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
}
