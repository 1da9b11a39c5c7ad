import Foundation

/// Why an operator command could not do what it was asked: a job or dead letter that does not
/// exist, an action refused for safety, or an argument that makes no sense. Messages name ids and
/// states only, never emails, names or payloads.
public struct OperationsError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind of failure, from a fixed set of static values (``notFound``, ``refused``, …).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case notFound = "not_found"
            case refused
            case invalidArgument = "invalid_argument"
        }
        private let value: Value
        /// The job or dead letter does not exist (exit 1).
        public static let notFound = Code(value: .notFound)
        /// The action is not safe or not possible in the current state (exit 1).
        public static let refused = Code(value: .refused)
        /// An argument is malformed (exit 2).
        public static let invalidArgument = Code(value: .invalidArgument)
        /// The code as a stable word: `not_found`, `refused` or `invalid_argument`.
        public var description: String { value.rawValue }
    }

    /// What kind of failure it is; the CLI exits 2 for ``Code/invalidArgument``, else 1.
    public var code: Code
    /// A sentence for the operator; ids and states only.
    public var message: String
    /// Nothing here gets better by retrying the same command (an unreachable Postgres or Kafka is
    /// their own error, ``PostgresError`` or ``KafkaError``, which says whether it is retryable).
    public var isRetryable: Bool { false }

    /// Creates an error; `message` names ids and states only, never personal data.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The operator's sentence, ``message``, and nothing else.
    public var description: String { message }
    /// The code and the message, for logs and tests.
    public var debugDescription: String { "OperationsError(\(code)): \(message)" }

    static func notFound(_ message: String) -> OperationsError { OperationsError(.notFound, message) }
    static func refused(_ message: String) -> OperationsError { OperationsError(.refused, message) }
    static func invalidArgument(_ message: String) -> OperationsError { OperationsError(.invalidArgument, message) }
}
