/// One reason an event was refused, located by its JSON path ("data.employee.email: missing").
///
/// Messages never repeat the offending value: events carry personal data and these reasons end
/// up in the dead-letter table, logs and Kafka headers.
public struct EventProblem: Sendable, Hashable, CustomStringConvertible {
    /// Dotted path into the document, `data.access[2].vendor`; empty for the document itself.
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Why an event cannot become a job. Never retryable: the same bytes fail the same way.
public struct EventRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of rejection, stable for metrics labels and `roster dlq list` filters.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable { case oversize, invalidJSON = "invalid_json", invalidEvent = "invalid_event", unknownVendor = "unknown_vendor" }
        private let value: Value

        public static let oversize = Code(value: .oversize)
        public static let invalidJSON = Code(value: .invalidJSON)
        public static let invalidEvent = Code(value: .invalidEvent)
        public static let unknownVendor = Code(value: .unknownVendor)

        public var description: String { value.rawValue }
    }

    public var code: Code
    public var problems: [EventProblem]

    public init(code: Code, problems: [EventProblem]) {
        self.code = code
        self.problems = problems
    }

    public var isRetryable: Bool { false }

    /// A sentence a person can read, listing every problem.
    public var description: String { problems.map(\.description).joined(separator: "; ") }
}
