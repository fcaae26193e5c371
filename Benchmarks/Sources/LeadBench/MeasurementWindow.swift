import Foundation

/// Warm up, then measure for the run's duration (or until its request limit is used up), reading
/// the server's CPU time at both ends of the window.
struct MeasurementWindow {
    var seconds: Double
    var serverCPUSeconds: Double?

    static func run(options: LoadOptions, control: RunControl) async throws -> MeasurementWindow {
        try await Task.sleep(for: .seconds(options.warmup))
        let cpuBefore = options.serverPid.flatMap(ServerCPU.seconds(pid:))
        let started = ContinuousClock.now
        control.startMeasuring()
        let end = started + .seconds(options.duration)
        while ContinuousClock.now < end && !control.limitReached {
            try await Task.sleep(for: .milliseconds(5))
        }
        control.stop()
        let elapsed = ContinuousClock.now - started
        let cpuAfter = options.serverPid.flatMap(ServerCPU.seconds(pid:))
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var cpu: Double?
        if let cpuBefore, let cpuAfter { cpu = cpuAfter - cpuBefore }
        return MeasurementWindow(seconds: seconds, serverCPUSeconds: cpu)
    }
}
