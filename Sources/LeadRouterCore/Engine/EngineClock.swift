import Foundation
import Synchronization

/// Where the engine gets "now". Tests inject ``ManualClock`` to control SLA expiry exactly.
public protocol EngineClock: Sendable {
    func now() -> Timestamp
}

/// The system's wall clock.
public struct SystemClock: EngineClock {
    public init() {}
    public func now() -> Timestamp { Timestamp(Date()) }
}

/// A clock that moves only when told to.
public final class ManualClock: EngineClock {
    private let millis: Atomic<Int64>

    public init(_ start: Timestamp = Timestamp(millis: 1_767_225_600_000)) {
        millis = Atomic(start.millis)
    }

    public func now() -> Timestamp { Timestamp(millis: millis.load(ordering: .relaxed)) }

    public func advance(seconds: Double) {
        millis.add(Int64(seconds * 1000), ordering: .relaxed)
    }

    public func set(_ time: Timestamp) { millis.store(time.millis, ordering: .relaxed) }
}
