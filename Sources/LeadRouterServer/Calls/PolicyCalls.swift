import LeadRouterCore
import LeadRouterWire

/// Validate, apply, read and dry-run routing policies.
enum PolicyCalls {
    static let validate: UnaryMethod = { call in
        let text = try Leadrouter_V1_PolicyText(payload: call.payload)
        var reply = Leadrouter_V1_PolicyReply()
        do {
            let policy = try PolicyParser.parse(text.yaml)
            reply.version = policy.version
            reply.problems = PolicyLinter.lint(policy, roster: call.engine.state.roster).map(wire)
        } catch let error as PolicyLoadError {
            reply.problems = error.problems.map(wire)
        }
        return reply.payload()
    }

    static let apply: UnaryMethod = { call in
        let text = try Leadrouter_V1_PolicyText(payload: call.payload)
        var policy = try PolicyParser.parse(text.yaml)
        policy.text = text.yaml
        let warnings = try call.engine.applyPolicy(policy)
        var reply = Leadrouter_V1_PolicyReply()
        reply.version = policy.version
        reply.applied = true
        reply.problems = warnings.map(wire)
        return reply.payload()
    }

    static let get: UnaryMethod = { call in
        var reply = Leadrouter_V1_PolicyReply()
        reply.version = call.engine.read { $0.policy.policy.version }
        reply.applied = true
        reply.yaml = call.engine.read { $0.policy.policy.text } ?? ""
        return reply.payload()
    }

    static let dryRun: UnaryMethod = { call in
        let request = try Leadrouter_V1_DryRunRequest(payload: call.payload)
        guard request.hasLead else { throw RPCError(.invalidArgument, "lead is required") }
        let lead = try Lead(wire: request.lead, now: call.engine.clock.now())
        let candidate = request.policyYaml.isEmpty ? nil : try PolicyParser.parse(request.policyYaml)
        var reply = Leadrouter_V1_DryRunReply()
        reply.explanation = try call.engine.dryRun(lead, policy: candidate).explanation.wire
        return reply.payload()
    }

    static func wire(_ problem: PolicyProblem) -> Leadrouter_V1_PolicyProblem {
        var wire = Leadrouter_V1_PolicyProblem()
        wire.severity = problem.severity.rawValue
        wire.path = problem.path
        wire.line = UInt32(problem.line ?? 0)
        wire.message = problem.message
        return wire
    }
}
