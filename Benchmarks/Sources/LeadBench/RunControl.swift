import Synchronization

/// The phases every connection of a run follows: warm up (send, don't count), measure (send, count,
/// record), stop (send nothing more). Connections read the phase on every reply, from any thread, so
/// it is an atomic; relaxed ordering is enough because nothing else is published through it — a reply
/// counted a microsecond early or late at a phase change does not matter to a multi-second run.
final class RunControl: Sendable {
    private static let warmingUp = 0
    private static let measuring = 1
    private static let stopped = 2

    private let phase = Atomic<Int>(RunControl.warmingUp)
    private let issuedWhileMeasuring = Atomic<Int>(0)
    /// Most requests to send while measuring.
    let requestLimit: Int

    init(requestLimit: Int) {
        self.requestLimit = requestLimit
    }

    var isMeasuring: Bool { phase.load(ordering: .relaxed) == Self.measuring }
    var isStopped: Bool { phase.load(ordering: .relaxed) == Self.stopped }
    var limitReached: Bool { issuedWhileMeasuring.load(ordering: .relaxed) >= requestLimit }

    /// Whether a connection may send one more request; while measuring, each `true` uses up one
    /// request of the limit.
    func mayIssue() -> Bool {
        switch phase.load(ordering: .relaxed) {
        case Self.warmingUp: return true
        case Self.measuring: return issuedWhileMeasuring.wrappingAdd(1, ordering: .relaxed).newValue <= requestLimit
        default: return false
        }
    }

    func startMeasuring() { phase.store(Self.measuring, ordering: .relaxed) }
    func stop() { phase.store(Self.stopped, ordering: .relaxed) }
}
