import Foundation
import SwiftProtobuf

/// Reads the JSON input files documented in docs/FILES.md.
enum InputFiles {
    static func text(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw InputError("cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// A JSON array of messages, or one message per line (JSON Lines).
    static func messages<M: SwiftProtobuf.Message>(_ path: String, as _: M.Type = M.self) throws -> [M] {
        let content = try text(path).trimmingCharacters(in: .whitespacesAndNewlines)
        if content.hasPrefix("[") {
            do {
                return try M.array(fromJSONString: content)
            } catch {
                throw InputError(path, line: nil, decoding: error, as: M.kind)
            }
        }
        return try content.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated().compactMap
        {
            index, line in
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)  // CRLF files too
            guard !trimmed.isEmpty else { return nil }
            do {
                return try M(jsonString: trimmed)
            } catch {
                throw InputError(path, line: index + 1, decoding: error, as: M.kind)
            }
        }
    }
}

extension SwiftProtobuf.Message {
    /// `Lead` for `leadrouter.v1.Lead`: what an error about a file's line calls its records.
    fileprivate static var kind: String {
        protoMessageName.split(separator: ".").last.map(String.init) ?? protoMessageName
    }
}
