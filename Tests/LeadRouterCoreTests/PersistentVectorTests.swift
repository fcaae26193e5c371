import Testing

@testable import LeadRouterCore

@Suite struct PersistentVectorTests {
    @Test func appendsAndUpdatesLikeAnArrayWhileOldVersionsStayIntact() {
        var vector = PersistentVector<String>()
        var mirror: [String] = []
        var versions: [(PersistentVector<String>, [String])] = []
        var random = SystemRandomNumberGenerator()
        for step in 0..<5_000 {
            if mirror.isEmpty || Int.random(in: 0..<3, using: &random) == 0 {
                let value = "value-\(step)-with-a-heap-allocated-tail"
                vector.append(value)
                mirror.append(value)
            } else if step % 2 == 0 {
                let index = Int.random(in: 0..<mirror.count, using: &random)
                vector.set(index, "set-\(step)-with-a-heap-allocated-tail")
                mirror[index] = "set-\(step)-with-a-heap-allocated-tail"
            } else {
                let index = Int.random(in: 0..<mirror.count, using: &random)
                vector.update(index) { $0 += "-updated-\(step)" }
                mirror[index] += "-updated-\(step)"
            }
            if step % 500 == 0 { versions.append((vector, mirror)) }
        }
        #expect(vector.count == mirror.count)
        #expect((0..<mirror.count).allSatisfy { vector[$0] == mirror[$0] })
        #expect((0..<mirror.count).allSatisfy { index in vector.read(index) { $0 == mirror[index] } })
        for (old, expected) in versions {
            #expect(old.count == expected.count)
            #expect((0..<expected.count).allSatisfy { old[$0] == expected[$0] })
        }
    }

    /// Every depth reads back what was stored: up to 32, 1,024 and 32,768 elements (read without the
    /// general loop) and beyond (three levels above the leaves, read with it).
    @Test func readsAtEveryDepthMatchWhatWasAppendedAndSet() {
        var vector = PersistentVector<Int>()
        for count in [1, 32, 33, 1_024, 1_025, 32_768, 32_769, 40_000] {
            while vector.count < count { vector.append(vector.count * 3) }
            #expect((0..<count).allSatisfy { vector[$0] == $0 * 3 }, "\(count) elements")
        }
        let before = vector
        for index in stride(from: 7, to: 40_000, by: 997) { vector.set(index, -index) }
        #expect((0..<40_000).allSatisfy { vector[$0] == ($0 >= 7 && ($0 - 7) % 997 == 0 ? -$0 : $0 * 3) })
        #expect((0..<40_000).allSatisfy { before[$0] == $0 * 3 })
    }
}
