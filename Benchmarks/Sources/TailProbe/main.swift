import BenchmarkWorkload
import Foundation
import LeadRouterCore

/// Where RouteDecision's median and tail come from: times every route of the 10,000-rep workload on
/// its own and splits the latencies by the kind of decision: which rule (the account-owner rule, the
/// default, or one of the others), which strategy decided (or was tried last) in which stage of the
/// chain, and the outcome (offered, or queued after every pool of the chain was checked). The heap is
/// warmed first, as RouteDecision's is (`COLD_HEAP=1`: not).
///
///     TailProbe [count] [strategy]
let arguments = Array(CommandLine.arguments.dropFirst())
let count = Int(arguments.first ?? "") ?? 100_000
let only = arguments.dropFirst().first.flatMap(RoutingStrategy.init(rawValue:))
let setup = try Workload.make(detailed: false, only: only)
WarmHeap.prefault(megabytes: count / 512 + 64)
for warmup in 0..<2_000 { _ = try setup.engine.route(setup.lead(10_000_000 + warmup)) }

var nanoseconds: [String: [UInt64]] = [:]
for iteration in 0..<count {
    // Only the call is timed, as in RouteDecision: building the lead is the caller's work.
    let lead = setup.lead(iteration)
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try setup.engine.route(lead)
    let elapsed = DispatchTime.now().uptimeNanoseconds - start
    let explanation = result.explanation
    let rule = ["abm", "default"].contains(explanation.rule) ? explanation.rule : "other rule"
    let stage = explanation.stages.last.map { "\($0.strategy.rawValue) in stage \(explanation.stages.count)" }
    let kind = "\(rule), \(stage ?? "no stage"), \(explanation.outcome.rawValue)"
    nanoseconds[kind, default: []].append(elapsed)
}

func summary(_ samples: [UInt64]) -> String {
    let sorted = samples.sorted()
    let micros = { (nanoseconds: UInt64) in String(format: "%.2f µs", Double(nanoseconds) / 1000) }
    let at = { (fraction: Double) in micros(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]) }
    let share = String(format: "%.1f %%", Double(sorted.count) * 100 / Double(count))
    return "\(share)  p50 \(at(0.5))  p90 \(at(0.9))  p99 \(at(0.99))  max \(micros(sorted.last!))"
}
print("\(only?.rawValue ?? "mixed"), all: " + summary(nanoseconds.values.flatMap { $0 }))
for (kind, samples) in nanoseconds.sorted(by: { $0.value.count > $1.value.count }) {
    print("  \(kind): " + summary(samples))
}
