/// Something the outside world did, taken from the journal to be done again in a replay: a lead
/// arriving, a dialer's status change, an admin's change. What the engine did in answer (offers,
/// expiries, releases) is not an input: the replay's own engine decides that again.
public struct ReplayInput: Sendable {
    public enum Action: Sendable {
        case route(Lead)
        case availability(AvailabilityChange)
        case upsertReps([Rep])
        case removeRep(RepID)
        case setTerritories([Territory])
        case setAccountOwners([AccountOwner], replace: Bool)
        /// Followed by the replay of the live policy, skipped by the candidate's.
        case applyPolicy(Policy)
        case reassign(LeadID, reason: String)
    }

    public var time: Timestamp
    public var action: Action

    public init(time: Timestamp, action: Action) {
        self.time = time
        self.action = action
    }

    /// Release reasons the engine writes itself (a rep went offline or away, a rep was removed); any
    /// other release came from a `Reassign` call.
    static func isEngineRelease(_ reason: String) -> Bool {
        reason == "rep removed" || reason.hasPrefix("rep is ")
    }
}
