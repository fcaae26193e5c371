import Foundation

/// Converts an instant to a weekday, minute and calendar day in a time zone.
enum LocalClock {
    struct LocalTime {
        var isoWeekday: Int
        var minuteOfDay: Int
        var dayNumber: Int64
    }

    static func local(_ time: Timestamp, in zone: TimeZone) -> LocalTime {
        let localSeconds = time.seconds + Int64(zone.secondsFromGMT(for: time.date))
        let day = floorDiv(localSeconds, 86_400)
        let minute = Int((localSeconds - day * 86_400) / 60)
        // 1970-01-01 was a Thursday (ISO weekday 4).
        let weekday = Int(((day % 7) + 7 + 3) % 7) + 1
        return LocalTime(isoWeekday: weekday, minuteOfDay: minute, dayNumber: day)
    }

    /// The rep's local calendar day, used to reset daily caps at the rep's midnight.
    static func dayNumber(_ time: Timestamp, in zone: TimeZone?) -> Int64 {
        guard let zone else { return floorDiv(time.seconds, 86_400) }
        return local(time, in: zone).dayNumber
    }

    private static func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }
}
