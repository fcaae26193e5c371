import LeadRouterCore
import LeadRouterWire
import NIOCore

/// Delivers one read of the engine's history to many streams at the same position.
///
/// Pumping each stream on its own reads and filters every event once per stream: with 100 dialers
/// each watching one rep, that was most of the server's time per route. Here the events are read
/// once and handed only to the streams whose rep (or team, or everything) they concern; an event
/// encodes once however many streams take it. A stream that runs out of credit or socket space
/// stops where it is and catches up on its own when it can send again (credit or writability
/// changes pump it), exactly as if it had been pumped alone.
struct StreamFanOut {
    private static let readLimit = 1024

    private var active: [StreamSubscription]
    private let all: [StreamSubscription]

    init(_ streams: [StreamSubscription]) {
        self.active = streams
        self.all = streams
    }

    mutating func pump(after start: UInt64, engine: RoutingEngine) {
        defer { for stream in all { stream.flushIfNeeded() } }
        var after = start
        while !active.isEmpty {
            guard let events = engine.events(after: after, limit: Self.readLimit) else {
                // Older than the in-memory history: each stream reads the journal (or ends) itself.
                for stream in active { stream.pump(engine) }
                return
            }
            guard let last = events.last?.seq else { return }
            deliver(events, engine: engine)
            for stream in active { stream.passed(last) }
            after = last
            if events.count < Self.readLimit { return }
        }
    }

    private mutating func deliver(_ events: [EngineEvent], engine: RoutingEngine) {
        var byRep: [String: [Int]] = [:]
        var everyRep: [Int] = []
        for (index, stream) in active.enumerated() {
            if let rep = stream.rep { byRep[rep, default: []].append(index) } else { everyRep.append(index) }
        }
        var stopped = Set<Int>()
        var roster: Roster?
        for event in events {
            let concerned = (event.rep.flatMap { byRep[$0] } ?? []) + everyRep
            var payload: ByteBuffer?
            for index in concerned where !stopped.contains(index) {
                let stream = active[index]
                guard stream.wants(event, roster: &roster, engine: engine) else { continue }
                guard stream.canSend else {
                    stream.passed(event.seq - 1)
                    stopped.insert(index)
                    continue
                }
                if payload == nil { payload = event.streamPayload }
                stream.send(event, payload: payload!)
            }
        }
        if !stopped.isEmpty {
            active = active.enumerated().filter { !stopped.contains($0.offset) }.map(\.element)
        }
    }
}
