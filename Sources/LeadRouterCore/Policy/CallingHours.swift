import Foundation

/// Compliance as eligibility: a lead is offered only inside its own local calling hours (consumer
/// rules such as the TCPA's 8 a.m. to 9 p.m.). Outside them it waits in the queue, and the first tick
/// inside them offers it. The lead's time zone is one of its custom attributes (`time_zone` unless
/// the policy names another); a lead without it is not held.
public struct CallingHours: Hashable, Sendable, Codable {
    /// Minutes after local midnight; a window that ends before it starts runs over midnight.
    public var startMinute: Int
    public var endMinute: Int
    /// The custom attribute holding the lead's IANA time zone, e.g. `America/New_York`.
    public var timeZoneField: String

    public init(startMinute: Int, endMinute: Int, timeZoneField: String = "time_zone") {
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.timeZoneField = timeZoneField
    }

    /// Why `lead` may not be offered at `now`, for its explanation; `nil` when it may.
    func hold(_ lead: Lead, at now: Timestamp) -> String? {
        guard let zoneName = lead.custom[timeZoneField] else { return nil }
        guard let zone = TimeZone(identifier: zoneName) else {
            return nil
        }
        let minute = LocalClock.local(now, in: zone).minuteOfDay
        let inside =
            startMinute <= endMinute
            ? minute >= startMinute && minute < endMinute : minute >= startMinute || minute < endMinute
        guard !inside else { return nil }
        return
            "outside the lead's calling hours (\(Self.clock(startMinute))–\(Self.clock(endMinute)) \(zoneName), \(Self.clock(minute)) there now): it waits in the queue until they open"
    }

    /// Whether the lead names a time zone this machine does not know (its calling hours cannot apply).
    func unknownZone(of lead: Lead) -> String? {
        guard let zoneName = lead.custom[timeZoneField], TimeZone(identifier: zoneName) == nil else { return nil }
        return zoneName
    }

    /// `HH:MM`.
    static func clock(_ minute: Int) -> String {
        String(format: "%02d:%02d", minute / 60, minute % 60)
    }

    /// Minutes after midnight from `HH:MM` (24:00 is the end of the day); `nil` if malformed.
    static func minute(of text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...24).contains(hours), (0..<60).contains(minutes), hours * 60 + minutes <= 24 * 60
        else { return nil }
        return hours * 60 + minutes
    }
}
