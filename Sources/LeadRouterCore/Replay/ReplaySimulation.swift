import HeapModule
import Synchronization

/// One run of a replay: an engine of its own, on a clock of its own, starting from the window's first
/// state, fed the recorded inputs at their recorded times, with reps answering its offers as
/// ``RepBehaviour`` says. Runs on the caller's thread as fast as it can.
struct ReplaySimulation {
    /// Time-driven dispatch (working hours beginning, calling hours opening) is looked at this often,
    /// besides at every SLA deadline and every input, as the server's ticker would.
    static let tickMillis: Int64 = 10_000

    let start: EngineState
    /// The policy for the whole window; `nil` follows the policies the recording applied.
    let candidate: Policy?
    let behaviour: RepBehaviour
    let configuration: EngineConfiguration

    /// Something due at a simulated time: a rep's answer, or a tick at an SLA deadline. At one same
    /// millisecond, recorded inputs come first, then ticks, then answers, in the order scheduled: an
    /// offer expires at its deadline even if the rep's answer was due at that very moment.
    private struct Due: Comparable {
        enum Action {
            case accept(LeadID, RepID)
            case complete(LeadID, RepID, outcome: String)
            case tick
        }

        var millis: Int64
        /// Breaks ties in the order things were scheduled.
        var order: Int
        var action: Action

        private var rank: Int {
            if case .tick = action { 0 } else { 1 }
        }

        static func < (lhs: Due, rhs: Due) -> Bool {
            (lhs.millis, lhs.rank, lhs.order) < (rhs.millis, rhs.rank, rhs.order)
        }
        static func == (lhs: Due, rhs: Due) -> Bool {
            (lhs.millis, lhs.rank, lhs.order) == (rhs.millis, rhs.rank, rhs.order)
        }
    }

    /// The engine's events, as its sink hands them over (on this thread: the simulation is alone).
    private final class Inbox: Sendable {
        private let events = Mutex<[EngineEvent]>([])
        func add(_ batch: [EngineEvent]) { events.withLock { $0 += batch } }
        func take() -> [EngineEvent] {
            events.withLock { events in
                defer { events = [] }; return events
            }
        }
    }

    /// Runs the inputs, in order, from `begin` (the window's first event: the start state may be
    /// older, the empty state of a fresh journal is from 1970) up to `end`; returns what happened and
    /// the state at `end`; `nil` when `stop` said so (asked every 64 steps).
    func run(
        _ inputs: [ReplayInput], from begin: Timestamp, until end: Timestamp, stoppingWhen stop: () -> Bool
    ) -> (tally: OutcomeTally, end: EngineState)? {
        let clock = ManualClock(max(start.lastTime, begin))
        let inbox = Inbox()
        let engine = RoutingEngine(configuration: configuration, clock: clock, state: start) { inbox.add($0) }
        var tally = OutcomeTally(start: start)
        var agenda = Heap<Due>()
        var order = 0
        // One tick per second however many deadlines fall in it: a tick is a commit and a look at
        // the queue.
        var tickSeconds = Set<Int64>()
        func schedule(_ millis: Int64, _ action: Due.Action) {
            agenda.insert(Due(millis: millis, order: order, action: action))
            order += 1
        }
        func settle() {
            for event in inbox.take() {
                tally.add(event)
                switch event.kind {
                case .offered(let offer):
                    // The engine expires offers by the whole second (its SLA buckets): the first tick
                    // that finds this one due is at the second after its deadline.
                    let second = offer.slaDeadline.secondsRoundedUp
                    if tickSeconds.insert(second).inserted { schedule(second * 1000, .tick) }
                    if case .accepts(let delay) = behaviour.answer(lead: offer.lead.id, rep: offer.rep) {
                        schedule(event.time.millis + delay, .accept(offer.lead.id, offer.rep))
                    }
                case .accepted(let lead, let rep):
                    if let (delay, outcome) = behaviour.completion(lead: lead, rep: rep) {
                        schedule(event.time.millis + delay, .complete(lead, rep, outcome: outcome))
                    }
                default:
                    break
                }
            }
        }
        func tick() {
            while engine.tickReportingBacklog().offersStillDue {}
        }

        if let candidate {
            // Validated by the caller; a policy that fails here leaves the live one, as ApplyPolicy would.
            _ = try? engine.applyPolicy(candidate)
            _ = inbox.take()
        }
        var next = 0
        var nextTick = clock.now().millis + Self.tickMillis
        var steps = 0
        while true {
            steps += 1
            if steps % 64 == 0, stop() { return nil }
            let inputAt = next < inputs.count ? inputs[next].time.millis : .max
            let dueAt = agenda.min?.millis ?? .max
            let now = min(inputAt, dueAt, nextTick)
            guard now <= end.millis else { break }
            if now > clock.now().millis { clock.set(Timestamp(millis: now)) }
            if inputAt == now {
                perform(inputs[next].action, on: engine)
                next += 1
            } else if nextTick == now {
                tick()
                nextTick += Self.tickMillis
            } else {
                switch agenda.removeMin().action {
                case .accept(let lead, let rep): _ = try? engine.accept(lead, by: rep)
                case .complete(let lead, let rep, let outcome):
                    _ = try? engine.complete(lead, outcome: outcome, by: rep)
                case .tick:
                    tick()
                    tickSeconds.remove(clock.now().seconds)
                }
            }
            settle()
        }
        return (tally, engine.state)
    }

    /// Does what the recording did. A change the engine refuses now (a rep the candidate's run never
    /// had, say) is skipped, as the server would have refused it.
    private func perform(_ action: ReplayInput.Action, on engine: RoutingEngine) {
        switch action {
        case .route(let lead): _ = try? engine.route(lead)
        case .availability(let change):
            _ = try? engine.setAvailability(
                change.rep, status: change.status, activeCalls: change.activeCalls, capacity: change.capacity)
        case .upsertReps(let reps): _ = try? engine.upsertReps(reps)
        case .removeRep(let rep): _ = try? engine.removeRep(rep)
        case .setTerritories(let territories): _ = try? engine.setTerritories(territories)
        case .setAccountOwners(let owners, let replace): _ = try? engine.setAccountOwners(owners, replace: replace)
        case .applyPolicy(let policy): if candidate == nil { _ = try? engine.applyPolicy(policy) }
        case .reassign(let lead, let reason): _ = try? engine.reassign(lead, reason: reason)
        }
    }
}
