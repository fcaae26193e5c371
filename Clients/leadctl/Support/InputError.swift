import SwiftProtobuf

/// A problem with an input file, printed as `Error: FILE:LINE: what is wrong` and exit status 1.
///
/// Not an `ArgumentParser.ValidationError`: that one also prints the command's usage, which says
/// nothing about a bad line in a file.
struct InputError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }

    /// `path:line: what is wrong` for a message that failed to decode; `line` is nil for a JSON array.
    init(_ path: String, line: Int?, decoding error: any Error, as name: String) {
        let place = line.map { "\(path):\($0)" } ?? path
        self.description = "\(place): not a valid \(name): \(Self.explain(error)) (the formats are in docs/FILES.md)"
    }

    /// SwiftProtobuf's JSON errors in words a person can act on.
    static func explain(_ error: any Error) -> String {
        guard let json = error as? JSONDecodingError else { return "\(error)" }
        switch json {
        case .unknownField(let name): return "unknown field '\(name)'"
        case .malformedString, .failure: return "not valid JSON (a key or a text value is not a quoted string)"
        case .malformedNumber: return "a number field holds something that is not a number"
        case .numberRange: return "a number is out of range for its field"
        case .malformedBool: return "a true/false field holds something else"
        case .malformedMap, .unquotedMapKey: return "a map (custom attributes, skills) is not an object of quoted keys"
        case .invalidUTF8: return "the text is not valid UTF-8"
        case .schemaMismatch: return "a field holds the wrong kind of value"
        case .unrecognizedEnumValue: return "a field holds a value it does not know"
        case .illegalNull: return "null where a value is required"
        case .truncated: return "the JSON ends early"
        case .trailingGarbage: return "something follows the JSON value"
        default: return "\(json)"
        }
    }
}
