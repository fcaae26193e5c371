import Foundation
import SwiftProtobuf

/// Printing: aligned tables for people, protobuf JSON for scripts.
enum Output {
    static func json(_ message: some SwiftProtobuf.Message) {
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        print((try? message.jsonString(options: options)) ?? "{}")
    }

    static func jsonLines(_ messages: [some SwiftProtobuf.Message]) {
        for message in messages { json(message) }
    }

    static func table(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in
            ([header[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        let line = { (cells: [String]) in
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        print(line(header))
        for row in rows { print(line(row)) }
    }

    /// Pushes out what was printed so far. Standard output is block-buffered when it is a pipe or a
    /// file, so a long-running command (`watch`) would otherwise hold its lines until it exits, and
    /// a `leadctl watch | grep` would show nothing at all.
    static func flush() { fflush(nil) }  // every output stream; naming `stdout` is not concurrency-safe

    /// A span of time in the unit that reads best: `850 ms`, `12.5 s`, `4.2 min`, `1.5 h`.
    static func duration(_ millis: Double) -> String {
        switch millis {
        case ..<1000: String(format: "%.0f ms", millis)
        case ..<60_000: String(format: "%.1f s", millis / 1000)
        case ..<3_600_000: String(format: "%.1f min", millis / 60_000)
        default: String(format: "%.1f h", millis / 3_600_000)
        }
    }

    static func time(_ millis: Int64) -> String {
        millis == 0 ? "-" : Date(timeIntervalSince1970: Double(millis) / 1000).formatted(.iso8601)
    }
}
