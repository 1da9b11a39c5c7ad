import Foundation
/// Why an operator command could not do what it was asked: a job or dead letter that does not
/// exist, an action refused for safety, or an argument that makes no sense. Messages name ids and
/// states only, never emails, names or payloads.
public struct OperationsError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case notFound = "not_found", refused, invalidArgument = "invalid_argument", unavailable
        }
        private let value: Value
        /// The job or dead letter does not exist (exit 1).
        public static let notFound = Code(value: .notFound)
        /// The action is not safe or not possible in the current state (exit 1).
        public static let refused = Code(value: .refused)
        /// An argument is malformed (exit 2).
        public static let invalidArgument = Code(value: .invalidArgument)
        /// A dependency (Kafka, Postgres) could not be reached.
        public static let unavailable = Code(value: .unavailable)
        public var description: String { value.rawValue }
    }

    public var code: Code
    /// A sentence for the operator; ids and states only.
    public var message: String
    /// Nothing here gets better by retrying the same command, except an unreachable dependency.
    public var isRetryable: Bool { code == .unavailable }

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
    public var debugDescription: String { "OperationsError(\(code)): \(message)" }

    static func notFound(_ message: String) -> OperationsError { OperationsError(.notFound, message) }
    static func refused(_ message: String) -> OperationsError { OperationsError(.refused, message) }
    static func invalidArgument(_ message: String) -> OperationsError { OperationsError(.invalidArgument, message) }
}
