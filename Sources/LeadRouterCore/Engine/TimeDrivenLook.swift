/// When a tick looks at the queue for leads that the passing of time alone made placeable (see
/// ``Transaction/timeCanPlaceWaitingLeads``), and what the last look found.
///
/// Time changes who may take a lead only at a few moments: a local minute begins (working hours and
/// calling hours are set in minutes, a daily cap resets at local midnight, and every time zone's
/// offset from UTC has been a whole number of minutes since 1972), or a rep's leave ends (any
/// millisecond). Between them, every other change that can place a waiting lead dispatches in its
/// own call, so a look finds nothing the last one did not. Looking four times a second cost 2–5 ms of
/// the sequencer each time with a few hundred to 20,000 leads waiting for the morning (every Route
/// arriving then waited that long); a look per minute costs a 240th of it.
///
/// A look that placed a lead is followed by another at the next tick: a look scores at most
/// `maxQueueScan` leads, and when working hours begin there may be more to place than that.
///
/// Kept with the state but not part of its identity or its snapshots: an engine started from a
/// snapshot looks at its first tick.
struct TimeDrivenLook: Sendable {
    /// The UTC minute of the last look; `nil` before the first.
    private var minute: Int64?
    /// The earliest end of a leave after the last look, in the roster it read.
    private var nextLeaveEnd: Timestamp?
    /// The roster the last look read its leave from: a new roster may bring new leave.
    private var roster: Roster?
    private var placedSome = false

    /// Whether a tick at `now` should look at the queue.
    func isDue(at now: Timestamp, roster current: Roster) -> Bool {
        guard let minute, roster === current, !placedSome else { return true }
        if Self.minute(of: now) != minute { return true }
        if let nextLeaveEnd, now >= nextLeaveEnd { return true }
        return false
    }

    /// Records a look at `now` in `roster`, and whether it offered any lead.
    mutating func looked(at now: Timestamp, roster: Roster, placedSome: Bool) {
        minute = Self.minute(of: now)
        self.placedSome = placedSome
        if self.roster !== roster || nextLeaveEnd.map({ now >= $0 }) ?? false {
            self.roster = roster
            nextLeaveEnd = Self.earliestLeaveEnd(after: now, in: roster)
        }
    }

    private static func minute(of time: Timestamp) -> Int64 {
        let seconds = time.seconds
        return seconds >= 0 ? seconds / 60 : (seconds - 59) / 60
    }

    /// Reads the profile only of reps with leave (the flat traits say which).
    private static func earliestLeaveEnd(after now: Timestamp, in roster: Roster) -> Timestamp? {
        var earliest: Timestamp?
        for index in roster.traits.indices where roster.traits[index].hasLeave {
            guard let profile = roster.profile(Int32(index)) else { continue }
            for leave in profile.rep.outOfOffice where leave.end > now && earliest.map({ leave.end < $0 }) ?? true {
                earliest = leave.end
            }
        }
        return earliest
    }
}
