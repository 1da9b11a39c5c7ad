/// One reason an event was refused, located by its JSON path ("data.employee.email: missing").
///
/// Messages never repeat the offending value: events carry personal data and these reasons end
/// up in the dead-letter table, logs and Kafka headers.
public struct EventProblem: Sendable, Hashable, CustomStringConvertible {
    /// Dotted path into the document, `data.access[2].vendor`; empty for the document itself.
    public var path: String
    /// What is wrong there, never quoting the value (`missing`, `must be a string, not number`).
    public var message: String

    /// A problem at `path` (empty for the whole document), described by `message`.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`, or the message alone when the problem is the whole document.
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Why an event cannot become a job. Never retryable: the same bytes fail the same way.
public struct EventRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of rejection, stable for metrics labels and `roster dlq list` filters.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case oversize
            case invalidJSON = "invalid_json"
            case invalidEvent = "invalid_event"
            case unknownVendor = "unknown_vendor"
        }
        private let value: Value

        /// The message is over ``HREventDecoder/maximumSize`` and was not parsed.
        public static let oversize = Code(value: .oversize)
        /// The message is not JSON (``JSONParser/SyntaxError``).
        public static let invalidJSON = Code(value: .invalidJSON)
        /// JSON, but not an event the schema accepts, or its `subject` or Kafka key is not the employee id.
        public static let invalidEvent = Code(value: .invalidEvent)
        /// A grant in `data.access` names a vendor instance that is not configured.
        public static let unknownVendor = Code(value: .unknownVendor)

        /// The stable name: `oversize`, `invalid_json`, `invalid_event` or `unknown_vendor`.
        public var description: String { value.rawValue }
    }

    /// What kind of rejection it is.
    public var code: Code
    /// Every problem found, each located by its JSON path.
    public var problems: [EventProblem]

    /// A rejection of kind `code` for `problems`.
    public init(code: Code, problems: [EventProblem]) {
        self.code = code
        self.problems = problems
    }

    /// Always `false`: the same bytes are refused the same way.
    public var isRetryable: Bool { false }

    /// A sentence a person can read, listing every problem.
    public var description: String { problems.map(\.description).joined(separator: "; ") }
}
