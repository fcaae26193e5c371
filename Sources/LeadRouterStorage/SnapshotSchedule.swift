import Foundation

/// When the next periodic snapshot is due: after `snapshotEveryEvents` events or
/// `snapshotEverySeconds` seconds, whichever comes first, if anything changed.
///
/// A snapshot's cost grows with the state, so once the state holds more assignments than
/// `snapshotEveryEvents`, the event count waits for as many events as the last snapshot held
/// assignments: encoding then costs at most about one record per event however large the state
/// grows, and recovery replays no more events than it loads records.
struct SnapshotSchedule {
    let everyEvents: UInt64
    let everySeconds: Double
    /// The sequence number the last stored snapshot covers.
    private(set) var lastSeq: UInt64
    private(set) var lastTime: Date
    /// Assignments in the last snapshot started.
    private(set) var lastRecords = 0

    init(everyEvents: UInt64, everySeconds: Double, lastSeq: UInt64, now: Date = Date()) {
        self.everyEvents = everyEvents
        self.everySeconds = everySeconds
        self.lastSeq = lastSeq
        self.lastTime = now
    }

    func isDue(durable: UInt64, now: Date = Date()) -> Bool {
        guard durable > lastSeq else { return false }
        return durable - lastSeq >= max(everyEvents, UInt64(lastRecords))
            || now.timeIntervalSince(lastTime) >= everySeconds
    }

    mutating func started(records: Int) { lastRecords = records }

    /// A snapshot was stored (`seq`), or storing one failed (`nil`: try again after the interval).
    mutating func finished(seq: UInt64?, now: Date = Date()) {
        if let seq { lastSeq = seq }
        lastTime = now
    }
}
