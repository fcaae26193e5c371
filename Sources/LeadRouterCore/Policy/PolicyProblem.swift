/// A policy error or lint warning, naming the rule and the field it concerns.
public struct PolicyProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable { case error, warning }

    public var severity: Severity
    /// Where in the policy, e.g. `rules[2] (enterprise).when.all[0].field`.
    public var path: String
    /// The line in the policy file, when the policy came from text.
    public var line: Int?
    public var message: String

    public init(_ severity: Severity = .error, path: String, line: Int? = nil, message: String) {
        self.severity = severity
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        let location = line.map { "line \($0): " } ?? ""
        return "\(location)\(path): \(message)"
    }
}

/// A policy file that could not be loaded; lists every problem found, not just the first.
public struct PolicyLoadError: Error, Sendable, CustomStringConvertible {
    public var problems: [PolicyProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
