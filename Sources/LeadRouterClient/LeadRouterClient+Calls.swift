import LeadRouterWire

/// Typed wrappers for every unary method.
extension LeadRouterClient {
    public func route(_ lead: Leadrouter_V1_Lead, explain: Bool = false, timeout: Duration? = nil) async throws
        -> Leadrouter_V1_RouteReply
    {
        var request = Leadrouter_V1_RouteRequest()
        request.lead = lead
        request.explain = explain
        return try await call("Route", request, timeout: timeout)
    }

    public func reassign(_ leadID: String, reason: String = "") async throws -> Leadrouter_V1_RouteReply {
        var request = Leadrouter_V1_ReassignRequest()
        request.leadID = leadID
        request.reason = reason
        return try await call("Reassign", request)
    }

    public func setAvailability(
        _ rep: String, _ status: Leadrouter_V1_RepStatus, activeCalls: Int32? = nil, capacity: Int32? = nil
    ) async throws -> Leadrouter_V1_SetAvailabilityReply {
        var request = Leadrouter_V1_SetAvailabilityRequest()
        request.rep = rep
        request.status = status
        if let activeCalls { request.activeCalls = activeCalls }
        if let capacity { request.capacity = capacity }
        return try await call("SetAvailability", request)
    }

    public func accept(_ leadID: String, rep: String = "") async throws -> Leadrouter_V1_Assignment {
        var request = Leadrouter_V1_AcceptRequest()
        request.leadID = leadID
        request.rep = rep
        return try await call("Accept", request, as: Leadrouter_V1_AssignmentReply.self).assignment
    }

    public func complete(_ leadID: String, outcome: String, rep: String = "") async throws -> Leadrouter_V1_Assignment {
        var request = Leadrouter_V1_CompleteRequest()
        request.leadID = leadID
        request.outcome = outcome
        request.rep = rep
        return try await call("Complete", request, as: Leadrouter_V1_AssignmentReply.self).assignment
    }

    @discardableResult
    public func upsertReps(_ reps: [Leadrouter_V1_Rep]) async throws -> Leadrouter_V1_ChangeReply {
        var request = Leadrouter_V1_UpsertRepsRequest()
        request.reps = reps
        return try await call("UpsertReps", request)
    }

    @discardableResult
    public func removeRep(_ rep: String) async throws -> Leadrouter_V1_ChangeReply {
        var request = Leadrouter_V1_RemoveRepRequest()
        request.rep = rep
        return try await call("RemoveRep", request)
    }

    public func listReps(team: String = "") async throws -> [Leadrouter_V1_RepState] {
        var request = Leadrouter_V1_ListRepsRequest()
        request.team = team
        return try await call("ListReps", request, as: Leadrouter_V1_ListRepsReply.self).reps
    }

    @discardableResult
    public func setTerritories(_ territories: [Leadrouter_V1_Territory]) async throws -> Leadrouter_V1_ChangeReply {
        var request = Leadrouter_V1_SetTerritoriesRequest()
        request.territories = territories
        return try await call("SetTerritories", request)
    }

    @discardableResult
    public func setAccountOwners(_ owners: [Leadrouter_V1_AccountOwner], replace: Bool = false) async throws
        -> Leadrouter_V1_ChangeReply
    {
        var request = Leadrouter_V1_SetAccountOwnersRequest()
        request.owners = owners
        request.replace = replace
        return try await call("SetAccountOwners", request)
    }

    public func validatePolicy(_ yaml: String) async throws -> Leadrouter_V1_PolicyReply {
        var request = Leadrouter_V1_PolicyText()
        request.yaml = yaml
        return try await call("ValidatePolicy", request)
    }

    @discardableResult
    public func applyPolicy(_ yaml: String) async throws -> Leadrouter_V1_PolicyReply {
        var request = Leadrouter_V1_PolicyText()
        request.yaml = yaml
        return try await call("ApplyPolicy", request)
    }

    public func getPolicy() async throws -> Leadrouter_V1_PolicyReply {
        try await call("GetPolicy", Leadrouter_V1_GetPolicyRequest())
    }

    public func dryRun(_ lead: Leadrouter_V1_Lead, policyYAML: String = "") async throws -> Leadrouter_V1_Explanation {
        var request = Leadrouter_V1_DryRunRequest()
        request.lead = lead
        request.policyYaml = policyYAML
        return try await call("DryRun", request, as: Leadrouter_V1_DryRunReply.self).explanation
    }

    /// Replays recorded traffic against a candidate policy (`policy_yaml` in the request); nothing
    /// changes. A long window takes seconds: give it a timeout to match.
    public func replayPolicy(_ request: Leadrouter_V1_ReplayRequest, timeout: Duration? = nil) async throws
        -> Leadrouter_V1_ReplayReply
    {
        try await call("ReplayPolicy", request, timeout: timeout)
    }

    public func getAssignment(_ leadID: String) async throws -> Leadrouter_V1_Assignment {
        var request = Leadrouter_V1_GetAssignmentRequest()
        request.leadID = leadID
        return try await call("GetAssignment", request, as: Leadrouter_V1_AssignmentReply.self).assignment
    }

    /// Every kept event of one lead, oldest first (`complete` is false when the first may be gone).
    public func leadHistory(_ leadID: String) async throws -> Leadrouter_V1_LeadHistoryReply {
        var request = Leadrouter_V1_LeadHistoryRequest()
        request.leadID = leadID
        return try await call("GetLeadHistory", request)
    }

    public func listAssignments(_ request: Leadrouter_V1_ListAssignmentsRequest) async throws
        -> Leadrouter_V1_ListAssignmentsReply
    {
        try await call("ListAssignments", request)
    }

    public func stats() async throws -> Leadrouter_V1_StatsReply {
        try await call("GetStats", Leadrouter_V1_StatsRequest())
    }

    /// Asks the server to write a snapshot now.
    @discardableResult
    public func snapshot() async throws -> Leadrouter_V1_ChangeReply {
        try await call("Snapshot", Leadrouter_V1_SnapshotRequest())
    }

    /// A consistent copy of the server's database into `folder` on the server's host (absolute),
    /// taken while it serves; `leadrouter serve --data FOLDER` starts from it.
    public func backup(into folder: String, timeout: Duration? = nil) async throws -> Leadrouter_V1_BackupReply {
        var request = Leadrouter_V1_BackupRequest()
        request.folder = folder
        return try await call("Backup", request, timeout: timeout)
    }

    public func health() async throws -> Leadrouter_V1_HealthReply {
        try await call("Health", Leadrouter_V1_HealthRequest())
    }
}
