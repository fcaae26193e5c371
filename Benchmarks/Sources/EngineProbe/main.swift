import BenchmarkWorkload
import Foundation
import LeadRouterCore

let count = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 20_000
let only = CommandLine.arguments.dropFirst(2).first.flatMap(RoutingStrategy.init(rawValue:))
let setup = try Workload.make(detailed: false, only: only)
let start = Date()
for iteration in 0..<count { _ = try setup.engine.route(setup.lead(iteration)) }
let elapsed = Date().timeIntervalSince(start)
print("\(only?.rawValue ?? "mixed"): \(count) routes in \(elapsed) s = \(Int(elapsed / Double(count) * 1e9)) ns/route")
