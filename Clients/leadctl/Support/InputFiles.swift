import ArgumentParser
import Foundation
import SwiftProtobuf

/// Reads the JSON input files documented in docs/FILES.md.
enum InputFiles {
    static func text(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// A JSON array of messages, or one message per line (JSON Lines).
    static func messages<M: SwiftProtobuf.Message>(_ path: String, as _: M.Type = M.self) throws -> [M] {
        let content = try text(path).trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            if content.hasPrefix("[") {
                return try M.array(fromJSONString: content)
            }
            return try content.split(separator: "\n").enumerated().compactMap { index, line in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty else { return nil }
                do {
                    return try M(jsonString: trimmed)
                } catch {
                    throw ValidationError("\(path):\(index + 1): \(error)")
                }
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(path): not a valid \(M.protoMessageName) file: \(error)")
        }
    }
}
