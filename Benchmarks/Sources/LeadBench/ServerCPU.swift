import Foundation

/// CPU time a server process has used so far, from Linux's per-thread scheduler statistics
/// (`/proc/PID/task/*/schedstat`, nanoseconds) — precise enough for runs of a few seconds, unlike the
/// 10 ms ticks of `/proc/PID/stat`.
enum ServerCPU {
    static func seconds(pid: Int32) -> Double? {
        let tasks = "/proc/\(pid)/task"
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: tasks) else { return nil }
        var nanoseconds: UInt64 = 0
        for thread in threads {
            guard let text = try? String(contentsOfFile: "\(tasks)/\(thread)/schedstat", encoding: .utf8),
                let first = text.split(separator: " ").first, let value = UInt64(first)
            else { continue }
            nanoseconds += value
        }
        return Double(nanoseconds) / 1e9
    }
}
