import NIOCore
import Testing

@testable import LeadRouterServer

/// The lock-free histogram behind `leadrouter_route_duration_seconds`: where an observation lands,
/// and what a scrape reads, including while loops record from many threads.
@Suite("Latency histogram")
struct LatencyHistogramTests {
    static func scrape(_ histogram: LatencyHistogram) -> [String: Double] {
        var text: [UInt8] = []
        histogram.render(into: &text)
        var samples: [String: Double] = [:]
        for line in String(decoding: text, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            samples[String(parts[0])] = Double(parts[1])
        }
        return samples
    }

    @Test func anObservationCountsInTheFirstBucketAtOrAboveIt() {
        let histogram = LatencyHistogram(name: "t", help: "test")
        histogram.record(.microseconds(25))  // on the bound: that bucket
        histogram.record(.nanoseconds(25_001))  // just above: the next
        histogram.record(.nanoseconds(-5))  // a clock step back counts as no time
        histogram.record(.seconds(3))  // beyond the last bound: +Inf only
        let samples = Self.scrape(histogram)
        #expect(samples[#"t_bucket{le="0.000025"}"#] == 2)
        #expect(samples[#"t_bucket{le="0.00005"}"#] == 3)
        #expect(samples[#"t_bucket{le="2.5"}"#] == 3)
        #expect(samples[#"t_bucket{le="+Inf"}"#] == 4)
        #expect(samples["t_count"] == 4)
        #expect(samples["t_sum"] == 3.000050001)
    }

    /// Four threads record 100,000 observations each while a fifth scrapes: every scrape's buckets
    /// are cumulative and its count is the last bucket; the final scrape has every observation.
    @Test func concurrentRecordsAreAllCountedAndScrapesStayConsistent() async {
        let histogram = LatencyHistogram(name: "c", help: "test")
        let perThread = 100_000
        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<4 {
                group.addTask {
                    for index in 0..<perThread { histogram.record(.microseconds(Int64((index + thread) % 3000))) }
                }
            }
            group.addTask {
                for _ in 0..<200 {
                    let samples = Self.scrape(histogram)
                    let buckets = samples.filter { $0.key.hasPrefix("c_bucket") }
                    let infinite = samples[#"c_bucket{le="+Inf"}"#] ?? -1
                    #expect(buckets.values.allSatisfy { $0 <= infinite })
                    #expect(samples["c_count"] == infinite)
                }
            }
        }
        let samples = Self.scrape(histogram)
        #expect(samples["c_count"] == Double(4 * perThread))
        let fastest = (0..<4).map { thread in (0..<perThread).filter { ($0 + thread) % 3000 <= 25 }.count }
        #expect(samples[#"c_bucket{le="0.000025"}"#] == Double(fastest.reduce(0, +)))
    }
}
