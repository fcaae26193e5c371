import Foundation

/// A point in time in milliseconds since the Unix epoch.
///
/// The engine never reads a wall clock itself: every decision receives the time from an injected
/// ``EngineClock`` and every event carries it, so replaying events reproduces the state exactly.
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var millis: Int64

    public init(millis: Int64) { self.millis = millis }
    public init(_ date: Date) { self.millis = Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    public var date: Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
    public var seconds: Int64 { millis >= 0 ? millis / 1000 : (millis - 999) / 1000 }
    /// The first whole second at or after this time.
    public var secondsRoundedUp: Int64 { Timestamp(millis: millis + 999).seconds }

    public func adding(seconds: Double) -> Timestamp { Timestamp(millis: millis + Int64(seconds * 1000)) }
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.millis < rhs.millis }
    public var description: String { date.formatted(.iso8601) }
}
