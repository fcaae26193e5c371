import Dispatch
import LeadRouterCore
import LeadRouterWire

/// The unary methods by wire name, and how errors become statuses.
enum ServerMethods {
    static let unary: [String: UnaryMethod] = [
        "Route": RoutingCalls.route,
        "Reassign": RoutingCalls.reassign,
        "SetAvailability": RoutingCalls.setAvailability,
        "Accept": RoutingCalls.accept,
        "Complete": RoutingCalls.complete,
        "UpsertReps": AdminCalls.upsertReps,
        "RemoveRep": AdminCalls.removeRep,
        "ListReps": AdminCalls.listReps,
        "SetTerritories": AdminCalls.setTerritories,
        "SetAccountOwners": AdminCalls.setAccountOwners,
        "ValidatePolicy": PolicyCalls.validate,
        "ApplyPolicy": PolicyCalls.apply,
        "GetPolicy": PolicyCalls.get,
        "DryRun": PolicyCalls.dryRun,
        "GetAssignment": QueryCalls.getAssignment,
        "Health": QueryCalls.health,
        "Snapshot": AdminCalls.snapshot,
    ]

    static let scans: [String: ScanMethod] = [
        "ListAssignments": QueryCalls.listAssignments,
        "GetStats": QueryCalls.stats,
        "GetLeadHistory": LeadHistoryCalls.leadHistory,
        "Backup": BackupCalls.backup,
        "ReplayPolicy": ReplayCalls.replay,
    ]

    /// Where scans run, one at a time: off the event loops, and a client asking for many at once
    /// takes one core at most.
    static let scanQueue = DispatchQueue(label: "leadrouter.scans", qos: .utility)

    /// Where policy replays run, one at a time: seconds to minutes each, which other scans should
    /// not wait for.
    static let replayQueue = DispatchQueue(label: "leadrouter.replays", qos: .utility)

    /// Where backups run, one at a time, beside a replay rather than behind it.
    static let backupQueue = DispatchQueue(label: "leadrouter.backups", qos: .utility)

    static func queue(forScan method: String) -> DispatchQueue {
        switch method {
        case "ReplayPolicy": replayQueue
        case "Backup": backupQueue
        default: scanQueue
        }
    }

    /// Methods whose reply must wait for the journal under `durability: sync`.
    static let changesState: Set<String> = [
        "Route", "Reassign", "SetAvailability", "Accept", "Complete", "UpsertReps", "RemoveRep", "SetTerritories",
        "SetAccountOwners", "ApplyPolicy",
    ]

    static let names: [String] = (Array(unary.keys) + Array(scans.keys) + ["StreamAssignments"]).sorted()

    /// Every error that leaves the server carries a canonical code and a readable message.
    static func wireError(_ error: any Error) -> RPCError {
        switch error {
        case let error as RPCError: error
        case let error as RoutingError: RPCError(error)
        case let error as PolicyLoadError: RPCError(.invalidArgument, "policy is invalid:\n\(error)")
        default: RPCError(.internal, "internal error: \(error)")
        }
    }
}
