import BenchmarkWorkload
import Foundation
import LeadRouterCore

/// Where RouteDecision's tail comes from: times every route of the 10,000-rep workload on its own and
/// splits the latencies by outcome (offered to a rep, or queued after every pool of the chain was
/// checked), since a lead no one can take checks every candidate of every pool in its chain.
///
///     TailProbe [count] [strategy]
let arguments = Array(CommandLine.arguments.dropFirst())
let count = Int(arguments.first ?? "") ?? 100_000
let only = arguments.dropFirst().first.flatMap(RoutingStrategy.init(rawValue:))
let setup = try Workload.make(detailed: false, only: only)
for warmup in 0..<2_000 { _ = try setup.engine.route(setup.lead(10_000_000 + warmup)) }

var nanoseconds: [Explanation.Outcome: [UInt64]] = [:]
for iteration in 0..<count {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try setup.engine.route(setup.lead(iteration))
    nanoseconds[result.explanation.outcome, default: []].append(DispatchTime.now().uptimeNanoseconds - start)
}

func summary(_ samples: [UInt64]) -> String {
    let sorted = samples.sorted()
    let micros = { (nanoseconds: UInt64) in String(format: "%.1f µs", Double(nanoseconds) / 1000) }
    let at = { (fraction: Double) in micros(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]) }
    return "n \(sorted.count)  p50 \(at(0.5))  p90 \(at(0.9))  p99 \(at(0.99))  max \(micros(sorted.last!))"
}
print("\(only?.rawValue ?? "mixed") all: " + summary(nanoseconds.values.flatMap { $0 }))
for (outcome, samples) in nanoseconds.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
    print("\(only?.rawValue ?? "mixed") \(outcome.rawValue): " + summary(samples))
}
