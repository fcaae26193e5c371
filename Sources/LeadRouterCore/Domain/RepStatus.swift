/// What a dialer reports about a rep. Only `available` reps receive new leads.
public enum RepStatus: String, Sendable, Codable, CaseIterable {
    case available
    case onCall = "on_call"
    case wrapUp = "wrap_up"
    case away
    case offline
}
