import Foundation
import Testing

@testable import LeadRouterCore

/// The tick's look at the queue for leads that time alone made placeable: at the first tick of a
/// minute, when a leave ends, and again while the last look placed leads, not four times a second.
@Suite("Time-driven dispatch")
struct TimeDrivenDispatchTests {
    static let utc = TimeZone(identifier: "UTC")!
    /// 09:00 to 17:00 UTC, Monday to Friday (Fixtures.start is a Thursday, 00:00 UTC).
    static let nineToFive = WorkingHours.weekdays(9 * 60, 17 * 60, in: utc)

    static func at(_ hour: Int, _ minute: Int, _ seconds: Double = 0) -> Timestamp {
        Fixtures.start.adding(seconds: Double(hour * 3600 + minute * 60) + seconds)
    }

    /// Ticks every quarter second from the clock's time to `end` (inclusive), as the server does.
    static func tick(_ engine: RoutingEngine, _ clock: ManualClock, through end: Timestamp) {
        while clock.now() <= end {
            engine.tick()
            clock.advance(seconds: 0.25)
        }
    }

    @Test func workingHoursPlaceAWaitingLeadAtTheFirstTickOfTheirMinute() throws {
        let clock = ManualClock(Self.at(8, 58, 30))
        let engine = try Fixtures.engine(clock: clock, reps: [Rep(id: "ana", workingHours: Self.nineToFive)])
        #expect(try engine.route(Fixtures.lead("early")).assignment.state == .queued)
        Self.tick(engine, clock, through: Self.at(8, 59, 59.75))
        #expect(engine.state.assignments["early"]?.state == .queued)
        clock.set(Self.at(9, 0))
        engine.tick()
        #expect(engine.state.assignments["early"]?.rep == "ana")
    }

    /// Leave ends at any millisecond, not on a minute: the first tick after it places the lead.
    @Test func theEndOfALeaveIsLookedForToTheMillisecond() throws {
        let clock = ManualClock(Self.at(9, 30))
        let leave = OutOfOffice(start: Fixtures.start, end: Self.at(9, 30, 17.5))
        let engine = try Fixtures.engine(clock: clock, reps: [Rep(id: "ben", outOfOffice: [leave])])
        #expect(try engine.route(Fixtures.lead("waiting")).assignment.state == .queued)
        Self.tick(engine, clock, through: Self.at(9, 30, 17.25))
        #expect(engine.state.assignments["waiting"]?.state == .queued)
        engine.tick()  // 09:30:17.500
        #expect(engine.state.assignments["waiting"]?.rep == "ben")
    }

    /// Leave given after the last look is followed too: a new roster is read again.
    @Test func leaveSetAfterALookIsFollowed() throws {
        let clock = ManualClock(Self.at(10, 0))
        let lastNight = OutOfOffice(start: Fixtures.start, end: Self.at(1, 0))
        let engine = try Fixtures.engine(clock: clock, reps: [Rep(id: "cleo", capacity: 1, outOfOffice: [lastNight])])
        try engine.route(Fixtures.lead("first"))
        try engine.route(Fixtures.lead("second"))
        engine.tick()  // looks: she is at capacity, and no leave is still to end
        #expect(engine.state.assignments["second"]?.state == .queued)
        let leave = OutOfOffice(start: Fixtures.start, end: Self.at(10, 0, 40.1))
        try engine.upsertReps([Rep(id: "cleo", capacity: 1, outOfOffice: [leave])])
        try engine.complete("first", outcome: "done")  // frees her while she is on leave
        #expect(engine.state.assignments["second"]?.state == .queued)
        clock.advance(seconds: 20)
        engine.tick()  // the same minute, but a new roster: its leave ends at 10:00:40.1
        clock.set(Self.at(10, 0, 40.1))
        engine.tick()
        #expect(engine.state.assignments["second"]?.rep == "cleo")
    }

    /// A look scores at most `maxQueueScan` leads; while looks place leads the next tick looks again,
    /// so a morning's backlog is not left for the next minute.
    @Test func aLookThatPlacedLeadsIsFollowedByAnother() throws {
        let clock = ManualClock(Self.at(8, 59))
        let engine = RoutingEngine(
            configuration: EngineConfiguration(detailedExplanations: false, maxQueueScan: 2), clock: clock)
        let reps = (0..<5).map { Rep(id: "rep-\($0)", capacity: 1, workingHours: Self.nineToFive) }
        try engine.upsertReps(reps)
        for rep in reps { try engine.setAvailability(rep.id, status: .available) }
        for index in 0..<5 { try engine.route(Fixtures.lead("lead-\(index)")) }
        engine.tick()
        #expect(engine.state.queue.count == 5)
        clock.set(Self.at(9, 0))
        var waiting: [Int] = []
        for _ in 0..<4 {
            engine.tick()
            waiting.append(engine.state.queue.count)
            clock.advance(seconds: 0.25)
        }
        #expect(waiting == [3, 1, 0, 0])
        let history = try #require(engine.events(after: 0, limit: Int.max))
        #expect(try EngineState(replaying: history) == engine.state)
    }

    /// When a look is due, read directly: the first tick, a new minute, a leave's end, a new roster,
    /// a look that placed leads; not another tick of the same minute after a look that placed none.
    @Test func aLookIsDueOnlyWhenTimeOrTheRosterMayHaveChangedSomething() throws {
        let leave = OutOfOffice(start: Fixtures.start, end: Self.at(9, 0, 30.25))
        let engine = try Fixtures.engine(reps: [Rep(id: "dan", outOfOffice: [leave])])
        let roster = engine.state.roster
        var look = TimeDrivenLook()
        #expect(look.isDue(at: Self.at(9, 0), roster: roster))
        look.looked(at: Self.at(9, 0), roster: roster, placedSome: false)
        #expect(!look.isDue(at: Self.at(9, 0, 0.25), roster: roster))
        #expect(!look.isDue(at: Self.at(9, 0, 30.249), roster: roster))
        #expect(look.isDue(at: Self.at(9, 0, 30.25), roster: roster))
        #expect(look.isDue(at: Self.at(9, 1), roster: roster))
        try engine.upsertReps([Rep(id: "eve")])
        #expect(look.isDue(at: Self.at(9, 0, 0.25), roster: engine.state.roster))
        look.looked(at: Self.at(9, 0, 30.5), roster: roster, placedSome: false)
        #expect(!look.isDue(at: Self.at(9, 0, 59.75), roster: roster), "the leave is over: nothing left to wait for")
        look.looked(at: Self.at(9, 0, 30.5), roster: roster, placedSome: true)
        #expect(look.isDue(at: Self.at(9, 0, 30.75), roster: roster))
    }
}
