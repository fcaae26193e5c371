import LeadRouterCore
import Testing

/// Compliance as eligibility: leads are offered only inside their own local calling hours.
@Suite("Calling hours")
struct CallingHoursTests {
    static let yaml = """
        version: tcpa
        calling_hours: {start: "08:00", end: "21:00"}
        default:
          pool: {}
          strategy: round_robin
        """

    static func policy() throws -> Policy { try PolicyParser.parse(yaml) }

    /// 2026-01-01T00:00Z is 19:00 in New York and 09:00 in Tokyo: a New York lead routed at 02:00Z
    /// (21:00 there) waits; the tick at 13:00Z (08:00 there) offers it. A lead without a time zone,
    /// and one whose zone is inside its hours, are offered at once.
    @Test func aLeadOutsideItsCallingHoursWaitsAndIsOfferedWhenTheyOpen() throws {
        let clock = ManualClock(Fixtures.start)
        let engine = try Fixtures.engine(clock: clock, policy: try Self.policy(), reps: [Rep(id: "ana")])
        clock.advance(seconds: 2 * 3600)
        let night = try engine.route(Fixtures.lead("ny") { $0.custom = ["time_zone": "America/New_York"] })
        #expect(night.assignment.state == .queued && night.explanation.outcome == .queued)
        #expect(
            night.explanation.notes.contains {
                $0.hasPrefix("outside the lead's calling hours (08:00–21:00 America/New_York, 21:00 there now)")
            }, "\(night.explanation.notes)")
        #expect(
            try engine.route(Fixtures.lead("tokyo") { $0.custom = ["time_zone": "Asia/Tokyo"] }).assignment.rep == "ana"
        )
        #expect(try engine.route(Fixtures.lead("no-zone")).assignment.rep == "ana")
        let unknown = try engine.route(Fixtures.lead("mars") { $0.custom = ["time_zone": "Mars/Olympus"] })
        #expect(unknown.assignment.rep == "ana")
        #expect(
            unknown.explanation.notes.contains(
                "time zone 'Mars/Olympus' is unknown: the calling hours were not applied"))

        clock.advance(seconds: 10 * 3600 + 59 * 60)  // 12:59Z, 07:59 in New York
        engine.tick()
        #expect(engine.state.assignments["ny"]?.state == .queued)
        clock.advance(seconds: 60)
        engine.tick()
        let morning = try #require(engine.state.assignments["ny"])
        #expect(morning.state == .offered && morning.rep == "ana")
        let history = try #require(engine.events(after: 0, limit: Int.max))
        #expect(try EngineState(replaying: history) == engine.state)
    }

    @Test func aWindowOverMidnightAndMalformedHoursAreReadAsWritten() throws {
        let overnight = CallingHours(startMinute: 22 * 60, endMinute: 6 * 60)
        let clock = ManualClock(Fixtures.start)  // 00:00 UTC
        let engine = try Fixtures.engine(
            clock: clock,
            policy: Policy(
                version: "night", rules: [], defaultRule: Rule(name: "default", target: .init(pool: Pool())),
                callingHours: overnight), reps: [Rep(id: "ana")])
        #expect(try engine.route(Fixtures.lead("utc") { $0.custom = ["time_zone": "UTC"] }).assignment.rep == "ana")
        clock.advance(seconds: 12 * 3600)
        #expect(
            try engine.route(Fixtures.lead("noon") { $0.custom = ["time_zone": "UTC"] }).assignment.state == .queued)

        for (hours, message) in [
            ("{start: \"8am\", end: \"21:00\"}", "calling_hours.start: '8am' is not a time of day as HH:MM"),
            ("{start: \"08:00\"}", "calling_hours.end: calling hours need a start and an end"),
            ("{start: \"09:00\", end: \"09:00\"}", "calling_hours: start and end are the same"),
        ] {
            let text = "version: x\ncalling_hours: \(hours)\ndefault:\n  pool: {}\n"
            let problems = #expect(throws: PolicyLoadError.self) { try PolicyParser.parse(text) }
            #expect(problems.map { "\($0)".contains(message) } == true, "\(problems.map { "\($0)" } ?? "")")
        }
    }
}
