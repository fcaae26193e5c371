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
}
