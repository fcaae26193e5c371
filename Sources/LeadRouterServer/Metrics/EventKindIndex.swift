import LeadRouterCore

/// Event kinds as small numbers, for counting a commit's events without a dictionary.
enum EventKindIndex {
    /// The metric label of each kind, by index.
    static let names = [
        "offered", "queued", "accepted", "completed", "expired", "released", "escalated", "archived",
        "availability_changed", "reps_upserted", "rep_removed", "territories_set", "account_owners_set",
        "policy_applied",
    ]

    static func of(_ kind: EngineEvent.Kind) -> Int {
        switch kind {
        case .offered: 0
        case .queued: 1
        case .accepted: 2
        case .completed: 3
        case .expired: 4
        case .released: 5
        case .escalated: 6
        case .archived: 7
        case .availabilityChanged: 8
        case .repsUpserted: 9
        case .repRemoved: 10
        case .territoriesSet: 11
        case .accountOwnersSet: 12
        case .policyApplied: 13
        }
    }
}
