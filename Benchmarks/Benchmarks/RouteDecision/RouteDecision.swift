import Benchmark
import BenchmarkWorkload
import Foundation
import LeadRouterCore
import Synchronization

/// Hands out fresh lead numbers across iterations.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func next() -> Int { value.add(1, ordering: .relaxed).newValue }
}

/// Whether something was done already, across calls of a benchmark's closure.
final class Once: Sendable {
    private let done = Atomic<Bool>(false)
    /// `true` the first time only.
    func first() -> Bool { !done.exchange(true, ordering: .relaxed) }
}

/// In-process `route` decisions over a production-sized setup: 10,000 reps, 500 rules,
/// 200 territories and 50,000 account owners.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 2_000,
        maxDuration: .seconds(5),
        maxIterations: 100_000
    )

    // One engine per benchmark, built before measuring; each sample (one iteration: the scaling
    // factor is one) routes one new lead. Only the call to `route` is measured: building the lead
    // (a fresh id, so a copy of its attributes) is the caller's work, as decoding it is the server's.
    // The first call warms the heap (``WarmHeap``): every lead stays in memory, and on a cold heap
    // one route in four or five would wait for the kernel to hand out a fresh page.
    func routeBenchmark(_ name: String, detailed: Bool, only strategy: RoutingStrategy? = nil) {
        let setup = try! Workload.make(detailed: detailed, only: strategy)
        let counter = Counter()
        let warming = Once()
        Benchmark(name) { benchmark in
            if warming.first() { WarmHeap.prefault(megabytes: detailed ? 512 : 256) }
            for _ in benchmark.scaledIterations {
                let lead = setup.lead(counter.next())
                benchmark.startMeasurement()
                blackHole(try setup.engine.route(lead))
                benchmark.stopMeasurement()
            }
        }
    }

    routeBenchmark("route", detailed: false)
    routeBenchmark("route (full explanation)", detailed: true)
    for strategy in RoutingStrategy.allCases {
        routeBenchmark("route \(strategy.rawValue) only", detailed: false, only: strategy)
    }

    // Throughput with two threads routing at once (each sample is a batch of 2 x 1,000 routes).
    let shared = try! Workload.make(detailed: false)
    let batches = Counter()
    Benchmark(
        "route on 2 threads (1000 routes per thread per sample)",
        configuration: .init(metrics: [.wallClock, .throughput], maxIterations: 2_000)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let batch = batches.next()
            DispatchQueue.concurrentPerform(iterations: 2) { thread in
                for index in 0..<1_000 {
                    blackHole(
                        try? shared.engine.route(shared.lead(50_000_000 + batch * 2_000 + thread * 1_000 + index)))
                }
            }
        }
    }
}
