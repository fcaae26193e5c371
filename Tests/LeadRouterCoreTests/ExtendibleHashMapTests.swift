import Foundation
import Testing

@testable import LeadRouterCore

@Suite struct ExtendibleHashMapTests {
    /// Counts the values alive, so a test sees every value freed exactly once when the maps holding
    /// it are gone (a bucket retained once too few would crash; once too many would leak).
    final class Live: @unchecked Sendable {
        var count = 0
    }

    final class Tracked: Equatable, @unchecked Sendable {
        let number: Int
        let live: Live

        init(_ number: Int, _ live: Live) {
            self.number = number
            self.live = live
            live.count += 1
        }

        deinit { live.count -= 1 }

        static func == (lhs: Tracked, rhs: Tracked) -> Bool { lhs.number == rhs.number }
    }

    /// A key whose hash keeps only `bits` bits (at the top, where the directory reads it), so that many
    /// keys share every bit the directory could split them by.
    struct CollidingKey: Hashable, Sendable {
        let id: Int
        let bits: Int

        static func == (lhs: Self, rhs: Self) -> Bool { lhs.id == rhs.id }
        func hash(into hasher: inout Hasher) { hasher.combine(id) }
        func _rawHashValue(seed: Int) -> Int { bits == 0 ? 0 : (id % (1 << bits)) << (64 - bits) }
    }

    @Test func insertsReplacesAndRemovesLikeADictionaryWhileCopiesStayIntact() {
        let live = Live()
        do {
            var map = ExtendibleHashMap<String, Tracked>()
            var mirror: [String: Int] = [:]
            var versions: [(ExtendibleHashMap<String, Tracked>, [String: Int])] = []
            var random = SeededGenerator(seed: 97)
            for step in 0..<60_000 {
                let key = "lead-\(Int.random(in: 0..<40_000, using: &random))"
                switch Int.random(in: 0..<10, using: &random) {
                case 0..<6:
                    #expect(map.updateValue(Tracked(step, live), forKey: key)?.number == mirror[key])
                    mirror[key] = step
                case 6..<8:
                    #expect(map.removeValue(forKey: key)?.number == mirror.removeValue(forKey: key))
                default:
                    #expect(map[key]?.number == mirror[key])
                }
                if step % 7_500 == 0 {
                    versions.append((map, mirror))
                    // A copy changed on its own leaves the map it came from alone.
                    var scratch = map
                    scratch.updateValue(Tracked(-1, live), forKey: "scratch")
                    scratch.removeValue(forKey: mirror.keys.first ?? "none")
                }
            }
            for (version, expected) in versions + [(map, mirror)] {
                #expect(version.problems().isEmpty)
                #expect(version.count == expected.count)
                #expect(Dictionary(uniqueKeysWithValues: version.map { ($0.key, $0.value.number) }) == expected)
                #expect(expected.allSatisfy { version[$0.key]?.number == $0.value })
            }
            // Every value a kept version holds is alive, once; the scratch copies' are gone.
            let held = versions.reduce(into: Set(mirror.values)) { $0.formUnion($1.1.values) }
            #expect(live.count == held.count)
        }
        #expect(live.count == 0)
    }

    @Test func stretchesOfTheIterationOrderMakeUpTheWhole() {
        var map = ExtendibleHashMap<Int, Int>()
        for number in 0..<5_000 {
            map.updateValue(number * 2, forKey: number)
            if number % 100 == 0 { #expect(map.problems().isEmpty, "after \(number)") }
        }
        var whole: [Int] = []
        map.forEach { key, _ in whole.append(key) }
        #expect(whole == map.map(\.key))
        #expect(whole.sorted() == Array(0..<5_000))
        var stretched: [Int] = []
        for start in stride(from: 0, to: 5_000, by: 777) {
            map.forEach(at: start..<min(start + 777, 5_000)) { key, value in
                #expect(value == key * 2)
                stretched.append(key)
            }
        }
        #expect(stretched == whole)
    }

    /// A published map is read by several threads at once (the event loops, a snapshot's encoders)
    /// while its owner changes a copy, which shares its buckets until it copies them. Reading must
    /// write nothing: under ThreadSanitizer, a bucket that wrote its count back after every read
    /// (the same value) was reported as racing with the encoders.
    @Test func readersOfAPublishedMapSeeItWholeWhileItsOwnerChangesACopy() {
        var published = ExtendibleHashMap<Int, Int>()
        for number in 0..<20_000 { published.updateValue(number * 3, forKey: number) }
        let shared = published
        let mismatches = LockedList<String>()
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            if thread == 0 {
                var owned = shared
                for number in 0..<20_000 where number % 2 == 0 { owned.removeValue(forKey: number) }
                for number in 20_000..<30_000 { owned.updateValue(number, forKey: number) }
                if owned.count != 20_000 || owned[1] != 3 || owned[2] != nil {
                    mismatches.append("the owner's copy")
                }
                return
            }
            for round in 0..<20 {
                var seen = 0
                let stretch = 20_000 / 3
                shared.forEach(at: (thread - 1) * stretch..<thread * stretch) { key, value in
                    if value != key * 3 { mismatches.append("\(key) read as \(value)") }
                    seen += 1
                }
                if seen != stretch { mismatches.append("thread \(thread) round \(round) saw \(seen)") }
                for number in stride(from: thread, to: 20_000, by: 7) where shared[number] != number * 3 {
                    mismatches.append("lookup of \(number)")
                }
            }
        }
        #expect(mismatches.all.isEmpty, "\(mismatches.all.prefix(5))")
        #expect(shared.count == 20_000 && shared.problems().isEmpty)
    }

    /// Keys agreeing on every bit the directory reads cannot be split apart: their bucket grows instead
    /// of the directory, and every operation still finds them.
    @Test(arguments: [0, 3, 12])
    func keysWhoseHashesCollideStayReachable(bits: Int) {
        let live = Live()
        do {
            var map = ExtendibleHashMap<CollidingKey, Tracked>()
            for id in 0..<3_000 { map.updateValue(Tracked(id, live), forKey: CollidingKey(id: id, bits: bits)) }
            let copy = map
            for id in stride(from: 0, to: 3_000, by: 3) { map.removeValue(forKey: CollidingKey(id: id, bits: bits)) }
            #expect(map.count == 2_000)
            #expect(map.problems().isEmpty && copy.problems().isEmpty)
            #expect(
                (0..<3_000).allSatisfy { map[CollidingKey(id: $0, bits: bits)]?.number == ($0 % 3 == 0 ? nil : $0) })
            #expect((0..<3_000).allSatisfy { copy[CollidingKey(id: $0, bits: bits)]?.number == $0 })
            #expect(live.count == 3_000)
        }
        #expect(live.count == 0)
    }

    @Test func equalMapsCompareEqualWhateverTheirHistory() {
        var grown = ExtendibleHashMap<Int, Int>()
        var shrunk = ExtendibleHashMap<Int, Int>()
        for number in 0..<2_000 { grown.updateValue(number, forKey: number) }
        for number in (0..<4_000).reversed() { shrunk.updateValue(number, forKey: number) }
        for number in 2_000..<4_000 { shrunk.removeValue(forKey: number) }
        #expect(grown == shrunk)
        shrunk.updateValue(-1, forKey: 1_999)
        #expect(grown != shrunk)
    }
}
