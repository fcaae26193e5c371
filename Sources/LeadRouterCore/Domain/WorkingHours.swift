import Foundation

/// Weekly working hours in the rep's own time zone.
///
/// Each weekday (1 = Monday ... 7 = Sunday, ISO order) holds minute ranges `[start, end)` since local
/// midnight. A rep with no schedule works around the clock.
public struct WorkingHours: Hashable, Sendable, Codable {
    public struct Span: Hashable, Sendable, Codable {
        public var startMinute: Int
        public var endMinute: Int
        public init(startMinute: Int, endMinute: Int) {
            self.startMinute = startMinute
            self.endMinute = endMinute
        }
    }

    public var timeZone: TimeZone
    public var days: [Int: [Span]]

    public init(timeZone: TimeZone, days: [Int: [Span]]) {
        self.timeZone = timeZone
        self.days = days
    }

    /// The same span on Monday to Friday, e.g. nine to five on weekdays.
    public static func weekdays(_ start: Int, _ end: Int, in timeZone: TimeZone) -> WorkingHours {
        WorkingHours(
            timeZone: timeZone,
            days: Dictionary(uniqueKeysWithValues: (1...5).map { ($0, [Span(startMinute: start, endMinute: end)]) }))
    }

    /// Whether the instant falls inside a working span.
    public func contains(_ time: Timestamp) -> Bool {
        let local = LocalClock.local(time, in: timeZone)
        guard let spans = days[local.isoWeekday] else { return false }
        return spans.contains { local.minuteOfDay >= $0.startMinute && local.minuteOfDay < $0.endMinute }
    }
}
