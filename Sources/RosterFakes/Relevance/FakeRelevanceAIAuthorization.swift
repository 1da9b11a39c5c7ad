/// How a request to the fake Relevance AI server authenticated, and which project it acted in.
///
/// Accepted forms, because Relevance AI's own samples disagree: `<project>:<key>` (the OpenAPI
/// scheme and the JS SDK), `Bearer <project>:<key>` and `Bearer :<key>` (the seed's samples),
/// and a bare `<key>`. An empty project means the key's home project
/// (``FakeRelevanceAIState/defaultProjectID``).
public struct FakeRelevanceAIAuthorization: Sendable, Hashable {
    /// Which form the header took.
    public enum Scheme: String, Sendable, Hashable {
        /// `<project>:<key>`.
        case projectKey
        /// `Bearer <project>:<key>`.
        case bearerProjectKey
        /// `Bearer :<key>` or `:<key>`: no project.
        case keyOnly
        /// `<key>` or `Bearer <key>` without a colon.
        case bare
    }

    /// The project named in the header, or `nil` when it named none.
    public var project: String?
    /// The key presented.
    public var key: String
    /// The header's form.
    public var scheme: Scheme

    /// Parses an `Authorization` value.
    public init(header: String) {
        var value = Substring(header.trimmingPrefixSpaces)
        var bearer = false
        if value.lowercased().hasPrefix("bearer ") {
            value = value.dropFirst(7)
            bearer = true
        }
        if let colon = value.firstIndex(of: ":") {
            let project = String(value[..<colon])
            key = String(value[value.index(after: colon)...])
            self.project = project.isEmpty ? nil : project
            scheme = project.isEmpty ? .keyOnly : (bearer ? .bearerProjectKey : .projectKey)
        } else {
            key = String(value)
            project = nil
            scheme = .bare
        }
    }
}

/// One request as the fake's authentication saw it: where it went and which project its header
/// named. Recorded for every request that reached authentication, so tests can check that the
/// header's project changes with the project acted on.
public struct FakeRelevanceAIScopedCall: Sendable, Hashable {
    /// The method.
    public var method: String
    /// The path as sent (with `/latest`).
    public var path: String
    /// The project the header named (`nil` when none).
    public var project: String?
    /// The header's form, or `nil` when there was no header.
    public var scheme: FakeRelevanceAIAuthorization.Scheme?
}

extension String {
    fileprivate var trimmingPrefixSpaces: Substring { drop { $0 == " " } }
}
