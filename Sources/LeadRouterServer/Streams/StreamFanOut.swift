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

    /// A loop's streams by the events they take: those following one rep under that rep, the others
    /// (a team, or every rep) in a list of their own. Kept by ``LoopStreams`` as streams come and go.
    struct Index {
        private(set) var byRep: [String: [StreamSubscription]] = [:]
        private(set) var unfiltered: [StreamSubscription] = []

        mutating func add(_ stream: StreamSubscription) {
            if let rep = stream.rep { byRep[rep, default: []].append(stream) } else { unfiltered.append(stream) }
        }

        mutating func remove(_ stream: StreamSubscription) {
            if let rep = stream.rep {
                byRep[rep]?.removeAll { $0 === stream }
                if byRep[rep]?.isEmpty == true { byRep[rep] = nil }
            } else {
                unfiltered.removeAll { $0 === stream }
            }
        }
    }

    private var active: [StreamSubscription]
    private let all: [StreamSubscription]
    private let index: Index
    /// Set as each active stream's ``StreamSubscription/fanOutMark``, so that a stream the index
    /// offers an event to is known to be in this fan-out (and not stopped) without a set to look in.
    private let mark: Int

    init(_ streams: [StreamSubscription], index: Index, mark: Int) {
        self.active = streams
        self.all = streams
        self.index = index
        self.mark = mark
        for stream in streams { stream.fanOutMark = mark }
    }

    mutating func pump(after start: UInt64, engine: RoutingEngine, horizon: StreamHorizon) {
        defer { for stream in all { stream.flushIfNeeded() } }
        var after = start
        while !active.isEmpty {
            let readable = horizon.readable(after: after, limit: Self.readLimit)
            if readable == 0 { return }
            guard let events = engine.events(after: after, limit: readable) else {
                // Older than the in-memory history: each stream reads the journal (or ends) itself.
                for stream in active { stream.pump(engine) }
                return
            }
            guard let last = events.last?.seq else { return }
            deliver(events, engine: engine)
            for stream in active { stream.passed(last) }
            after = last
            if events.count < readable { return }
        }
    }

    private mutating func deliver(_ events: [EngineEvent], engine: RoutingEngine) {
        var stopped = false
        var roster: Roster?
        for event in events {
            var payload: ByteBuffer?
            func offer(to streams: [StreamSubscription]) {
                for stream in streams where stream.fanOutMark == mark {
                    guard stream.wants(event, roster: &roster, engine: engine) else { continue }
                    guard stream.canSend else {
                        stream.passed(event.seq - 1)
                        stream.fanOutMark = 0
                        stopped = true
                        continue
                    }
                    if payload == nil { payload = event.streamPayload }
                    stream.send(event, payload: payload!)
                }
            }
            if let rep = event.rep, let following = index.byRep[rep] { offer(to: following) }
            offer(to: index.unfiltered)
        }
        if stopped { active.removeAll { $0.fanOutMark != mark } }
    }
}
