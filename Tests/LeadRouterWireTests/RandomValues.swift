import Foundation

/// Random values that stress protobuf encoding and decoding: empty and absent, multi-byte UTF-8,
/// lengths that need one, two and three length bytes, negative and huge numbers. Each suite adds the
/// messages it builds from them in an extension.
struct RandomValues {
    var random = SystemRandomNumberGenerator()

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    mutating func text() -> String {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return ""
        case 1: return "ünïcødé 🚀 \(Int.random(in: 0..<1000, using: &random))"
        case 2: return String(repeating: "x", count: Int.random(in: 100...300, using: &random))
        case 3: return String(repeating: "é", count: Int.random(in: 8_000...9_000, using: &random))
        default: return "value-\(Int.random(in: 0..<1_000_000, using: &random))"
        }
    }

    mutating func maybe<T>(_ make: (inout RandomValues) -> T) -> T? { chance(60) ? make(&self) : nil }

    mutating func texts() -> [String] { (0..<Int.random(in: 0..<4, using: &random)).map { _ in text() } }

    mutating func number() -> Double {
        [
            0, -0.0, 1.5, -1234.25, 1e300, Double.leastNonzeroMagnitude,
            Double(Int.random(in: -9...9, using: &random)),
        ]
        .randomElement(using: &random)!
    }

    mutating func millis() -> Int64 {
        [0, 1, -1, Int64.max, Int64.min, Int64.random(in: -1_000_000...2_000_000_000_000, using: &random)]
            .randomElement(using: &random)!
    }
}
