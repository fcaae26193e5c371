/// A rep's share of the leads given through the pools they belong to, against the share their weight
/// entitles them to (averaged over those pools).
public struct RepShare: Hashable, Sendable {
    public var rep: RepID
    public var received: Int
    public var share: Double
    public var target: Double

    public init(rep: RepID, received: Int, share: Double, target: Double) {
        self.rep = rep
        self.received = received
        self.share = share
        self.target = target
    }
}

/// The fairness ledger read as shares: what `GetStats` reports and a policy replay compares.
public enum FairnessShares {
    /// Every rep on the roster, by id. With `base`, only what the ledgers gained since that state
    /// counts (a replay's window); members and weights are `state`'s.
    public static func of(_ state: EngineState, since base: EngineState? = nil) -> [RepShare] {
        var received: [RepID: Int] = [:]
        var poolTotals: [RepID: Int] = [:]
        var weightShare: [RepID: Double] = [:]
        var poolsOfRep: [RepID: Int] = [:]
        for poolKey in state.pools.keys {
            var ledger = state.ledger(pool: poolKey.name).mapValues(\.received)
            if let before = base?.ledger(pool: poolKey.name) {
                for (rep, entry) in before { ledger[rep, default: 0] -= entry.received }
            }
            let total = ledger.values.reduce(0, +)
            let totalWeight = ledger.keys.reduce(0.0) { $0 + (state.roster.reps[$1]?.weight ?? 0) }
            for (rep, count) in ledger {
                received[rep, default: 0] += count
                poolTotals[rep, default: 0] += total
                if totalWeight > 0 {
                    weightShare[rep, default: 0] += (state.roster.reps[rep]?.weight ?? 0) / totalWeight
                }
                poolsOfRep[rep, default: 0] += 1
            }
        }
        return state.roster.reps.keys.sorted().map { id in
            let count = received[id] ?? 0
            let total = poolTotals[id] ?? 0
            return RepShare(
                rep: id, received: count, share: total > 0 ? Double(count) / Double(total) : 0,
                target: poolsOfRep[id].map { (weightShare[id] ?? 0) / Double($0) } ?? 0)
        }
    }
}
