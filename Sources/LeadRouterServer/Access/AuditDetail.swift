import Foundation
import LeadRouterWire
import NIOCore

/// What an audited call changed, in a few words for the audit log, read from its request.
enum AuditDetail {
    /// The admin calls that change the state: each is audited whatever its outcome.
    static let audited: Set<String> = [
        "UpsertReps", "RemoveRep", "SetTerritories", "SetAccountOwners", "ApplyPolicy", "Snapshot", "Backup",
    ]

    static func describe(_ method: String, _ payload: ByteBuffer) -> String {
        switch method {
        case "UpsertReps":
            let reps = (try? Leadrouter_V1_UpsertRepsRequest(payload: payload))?.reps ?? []
            return "reps: " + list(reps.map(\.id))
        case "RemoveRep":
            return "rep: " + ((try? Leadrouter_V1_RemoveRepRequest(payload: payload))?.rep ?? "?")
        case "SetTerritories":
            let territories = (try? Leadrouter_V1_SetTerritoriesRequest(payload: payload))?.territories ?? []
            return "territories (all replaced): " + list(territories.map(\.id))
        case "SetAccountOwners":
            let request = try? Leadrouter_V1_SetAccountOwnersRequest(payload: payload)
            let owners = request?.owners.map { "\($0.accountID.isEmpty ? $0.domain : $0.accountID)→\($0.rep)" } ?? []
            return "account owners\(request?.replace == true ? " (all replaced)" : ""): " + list(owners)
        case "ApplyPolicy":
            let yaml = (try? Leadrouter_V1_PolicyText(payload: payload))?.yaml ?? ""
            let version = yaml.split(separator: "\n").first { $0.hasPrefix("version:") }?.dropFirst("version:".count)
            return
                "policy version \(version.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"'")) } ?? "?"), \(yaml.utf8.count) bytes"
        case "Backup":
            return "into " + ((try? Leadrouter_V1_BackupRequest(payload: payload))?.folder ?? "?")
        default:
            return ""
        }
    }

    /// The first twenty, then how many more.
    private static func list(_ items: [String]) -> String {
        let shown = items.prefix(20).joined(separator: ", ")
        return items.count > 20 ? "\(shown) and \(items.count - 20) more" : shown.isEmpty ? "none" : shown
    }
}
