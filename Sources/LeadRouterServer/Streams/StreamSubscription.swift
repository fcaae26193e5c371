import LeadRouterCore
import LeadRouterStorage
import LeadRouterWire
import NIOCore

/// One `StreamAssignments` call: which events it wants, where it stands, and how much it may send.
///
/// Lives on its connection's event loop. Events are read from the engine's history when there is
/// credit and the socket is writable, so a slow dialer holds back only its own stream: nothing is
/// buffered for it beyond what the socket accepts, and routing never waits for it.
final class StreamSubscription {
    let callID: UInt32
    private let channel: any Channel
    /// The one rep this stream follows, if it follows one.
    let rep: String?
    private let team: String?
    private(set) var lastSeq: UInt64
    private var credit: UInt32
    private(set) var finished = false
    private let onFinish: (StreamSubscription) -> Void
    /// Older events than the engine keeps in memory are read from here.
    private let journal: JournalStore?
    private let horizon: StreamHorizon
    private var unflushed = false
    /// Which ``StreamFanOut`` this stream is active in (its number), 0 when none.
    var fanOutMark = 0

    init(
        callID: UInt32, channel: any Channel, request: Leadrouter_V1_StreamAssignmentsRequest, startAfter: UInt64,
        journal: JournalStore?, horizon: StreamHorizon, credit: UInt32,
        onFinish: @escaping (StreamSubscription) -> Void
    ) {
        self.journal = journal
        self.horizon = horizon
        self.callID = callID
        self.channel = channel
        self.rep = request.rep.isEmpty ? nil : request.rep
        self.team = request.team.isEmpty ? nil : request.team
        self.lastSeq = startAfter
        self.credit = credit
        self.onFinish = onFinish
    }

    func grant(_ messages: UInt32, engine: RoutingEngine) {
        credit = credit.addingReportingOverflow(messages).overflow ? .max : credit + messages
        pump(engine)
    }

    /// Sends what the credit and the socket allow.
    func pump(_ engine: RoutingEngine) {
        guard !finished else { return }
        var roster: Roster?
        defer { flushIfNeeded() }
        while credit > 0 && channel.isWritable {
            let readable = horizon.readable(after: lastSeq, limit: 256)
            if readable == 0 { return }
            // A journal that cannot be read ends the stream as a journal without the events would.
            let kept = KeptEvents(engine: engine, store: journal)
            guard let events = (try? kept.after(lastSeq, limit: readable)) ?? nil else {
                finish(
                    RPCError(
                        .outOfRange,
                        "events after \(lastSeq) are no longer kept; resubscribe from a later sequence number"))
                return
            }
            if events.isEmpty { return }
            for event in events {
                lastSeq = event.seq
                guard wants(event, roster: &roster, engine: engine) else { continue }
                send(event, payload: event.streamPayload)
                if credit == 0 { return }
            }
        }
    }

    // MARK: shared fan-out (see `StreamFanOut`)

    /// Whether the stream can take one more message now.
    var canSend: Bool { !finished && credit > 0 && channel.isWritable }

    /// Writes one event's message (flushed by `flushIfNeeded`); the caller checked the credit.
    func send(_ event: EngineEvent, payload: ByteBuffer) {
        lastSeq = event.seq
        channel.write(Frame(type: .streamMessage, callID: callID, payload: payload), promise: nil)
        credit -= 1
        unflushed = true
    }

    /// Records that every event up to `seq` was sent or did not concern this stream.
    func passed(_ seq: UInt64) {
        lastSeq = max(lastSeq, seq)
    }

    func flushIfNeeded() {
        if unflushed {
            unflushed = false
            channel.flush()
        }
    }

    /// Whether the event concerns this stream (its rep, its team, or everything).
    func wants(_ event: EngineEvent, roster: inout Roster?, engine: RoutingEngine) -> Bool {
        if rep == nil && team == nil { return true }
        guard let eventRep = event.rep else { return false }
        if let rep, eventRep != rep { return false }
        if let team {
            if roster == nil { roster = engine.state.roster }
            return roster!.reps[eventRep]?.teams.contains(team) ?? false
        }
        return true
    }

    /// Ends the stream with a status frame.
    func finish(_ error: RPCError?) {
        guard !finished else { return }
        finished = true
        let status = error ?? RPCError(.ok, "")
        channel.writeAndFlush(Frame(type: .status, callID: callID, payload: status.status.payload()), promise: nil)
        onFinish(self)
    }
}
