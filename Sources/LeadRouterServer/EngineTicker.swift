import Atomics
import Dispatch
import LeadRouterCore
import LeadRouterStorage

/// Ticks the engine every interval (SLA expiry, timed dispatch, archiving) on a queue of its own,
/// and, while offers past their SLA are left over (a tick expires a bounded number), again as soon
/// as the journal holds the last tick's events.
///
/// Not on an event loop: a loop looks at its sockets only once no task of its own is due, and a
/// chain of ticks with the journal's wake-ups between them always had one due. After a restart with
/// a million offers past their SLA, new connections waited seconds for their Hello. Here the loops
/// keep serving, and their commits take turns with the ticks in the engine's sequencer.
///
/// Paced by the journal because every later reply waits for the events before it: expiring faster
/// than the journal writes held each durable reply behind the whole backlog (seven seconds).
final class EngineTicker: Sendable {
    private let engine: RoutingEngine
    private let journal: JournalWriter?
    private let interval: DispatchTimeInterval
    private let queue = DispatchQueue(label: "leadrouter.ticker")
    private let stopped = ManagedAtomic(false)

    init(engine: RoutingEngine, journal: JournalWriter?, intervalMilliseconds: Int64) {
        self.engine = engine
        self.journal = journal
        interval = .milliseconds(Int(intervalMilliseconds))
    }

    func start() { queue.asyncAfter(deadline: .now() + interval) { self.tick() } }

    /// Stops ticking; returns once no tick is running (the queue is serial).
    func stop() {
        stopped.store(true, ordering: .relaxed)
        queue.sync {}
    }

    private func tick() {
        guard !stopped.load(ordering: .relaxed) else { return }
        // While the journal cannot be written, changes are refused; expiring offers would only pile
        // up events that cannot be made durable. Their SLA expiries come once it recovers.
        if let journal, journal.outage.isFailing {
            queue.asyncAfter(deadline: .now() + interval) { self.tick() }
            return
        }
        let (events, stillDue) = engine.tickReportingBacklog()
        guard stillDue else {
            queue.asyncAfter(deadline: .now() + interval) { self.tick() }
            return
        }
        guard let last = events.last?.seq else {
            queue.async { self.tick() }
            return
        }
        tickOnceWritten(through: last)
    }

    private func tickOnceWritten(through seq: UInt64) {
        guard let journal, journal.durableSeq.load(ordering: .relaxed) < seq else {
            queue.async { self.tick() }
            return
        }
        queue.asyncAfter(deadline: .now() + .microseconds(500)) { self.tickOnceWritten(through: seq) }
    }
}
