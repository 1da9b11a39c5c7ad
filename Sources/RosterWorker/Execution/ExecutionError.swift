import RosterCore

/// Why the executor could not run a job, apart from vendor failures (which are ``VendorError``s).
struct ExecutionError: Error, Sendable, CustomStringConvertible {
    struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case missingEvent = "missing_event"
            case undecodableEvent = "undecodable_event"
            case unknownVendor = "unknown_vendor"
            case planning
        }
        private let value: Value
        static let missingEvent = Code(value: .missingEvent)
        static let undecodableEvent = Code(value: .undecodableEvent)
        static let unknownVendor = Code(value: .unknownVendor)
        static let planning = Code(value: .planning)
        var description: String { value.rawValue }
    }

    var code: Code
    var message: String
    /// None of these get better by waiting.
    var isRetryable: Bool { false }
    var description: String { message }

    static func missingEvent(_ id: String) -> ExecutionError {
        ExecutionError(code: .missingEvent, message: "the job's event \(id) is not in the inbox")
    }

    static func undecodableEvent(_ id: String, _ rejection: EventRejection) -> ExecutionError {
        ExecutionError(code: .undecodableEvent, message: "the job's event \(id) no longer decodes: \(rejection)")
    }

    static func unknownVendor(_ name: String) -> ExecutionError {
        ExecutionError(code: .unknownVendor, message: "vendor \"\(name)\" is not configured in this worker")
    }

    /// How the `last_error` of a job waiting for a worker that has its vendor begins (`roster
    /// status` counts such jobs by it).
    static let unconfiguredVendorPrefix = "waiting for a worker configured with vendor"

    static func planning(_ message: String) -> ExecutionError {
        ExecutionError(code: .planning, message: message)
    }
}
