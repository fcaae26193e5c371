/// A test over a lead's attributes. Text comparisons are case-sensitive except `country`, which is
/// normalised to upper case on both sides.
public indirect enum Condition: Hashable, Sendable, Codable {
    case always
    case equals(LeadField, String)
    case isIn(LeadField, [String])
    case notIn(LeadField, [String])
    /// Inclusive numeric range; either bound may be open.
    case range(LeadField, min: Double?, max: Double?)
    case prefix(LeadField, String)
    case exists(LeadField)
    /// Substring for text fields, membership for `intent`.
    case contains(LeadField, String)
    case all([Condition])
    case any([Condition])
    case not(Condition)

    func matches(_ lead: Lead) -> Bool {
        switch self {
        case .always:
            return true
        case .equals(let field, let expected):
            return field.value(of: lead)?.anyText { $0 == expected } ?? false
        case .isIn(let field, let values):
            guard let value = field.value(of: lead) else { return false }
            return value.anyText(values.contains)
        case .notIn(let field, let values):
            guard let value = field.value(of: lead) else { return true }
            return !value.anyText(values.contains)
        case .range(let field, let min, let max):
            guard let number = field.value(of: lead)?.number else { return false }
            return (min.map { number >= $0 } ?? true) && (max.map { number <= $0 } ?? true)
        case .prefix(let field, let prefix):
            return field.value(of: lead)?.anyText { $0.hasPrefix(prefix) } ?? false
        case .exists(let field):
            return field.value(of: lead) != nil
        case .contains(let field, let needle):
            switch field.value(of: lead) {
            case .list(let items): return items.contains(needle)
            case .text(let text): return text.contains(needle)
            case .number, nil: return false
            }
        case .all(let conditions):
            return conditions.allSatisfy { $0.matches(lead) }
        case .any(let conditions):
            return conditions.contains { $0.matches(lead) }
        case .not(let condition):
            return !condition.matches(lead)
        }
    }
}
