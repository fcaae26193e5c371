/// A rep's level in a skill as eligibility checks compare it: one byte, clamped to 0...255.
///
/// Clamping keeps every comparison a policy can make exact: rules ask for levels 1 to 5 (the
/// validator rejects others), and a level clamped to 0 or 255 is below or above all of those just as
/// the original was.
struct SkillLevel: Comparable, Sendable {
    let value: UInt8

    init(_ level: Int) { value = UInt8(clamping: level) }

    static func < (lhs: SkillLevel, rhs: SkillLevel) -> Bool { lhs.value < rhs.value }
}
