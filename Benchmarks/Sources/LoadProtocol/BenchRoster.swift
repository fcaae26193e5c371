import LeadRouterWire

/// The roster every benchmarked server routes over: 100 reps in one team, with capacity high enough
/// that a run never fills anyone up (a full roster would turn the benchmark into a queue benchmark).
public enum BenchRoster {
    public static let repCount = 100
    public static let team = "inbound"

    public static func repID(_ index: Int) -> String { "rep-\(index % repCount)" }

    public static var reps: [Leadrouter_V1_Rep] {
        (0..<repCount).map { index in
            var rep = Leadrouter_V1_Rep()
            rep.id = repID(index)
            rep.teams = [team]
            rep.capacity = 100_000_000
            return rep
        }
    }
}
