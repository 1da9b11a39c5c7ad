/// Why a job's steps cannot be planned: the event or the configuration asks for something no
/// connector can carry out. Never retryable: the same event and configuration fail the same way,
/// so the job becomes `dead` with ``description`` as its cause.
///
/// Messages name vendors, projects and roles, never the employee (no personal data).
public struct PlanningError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure, stable for metrics labels and filters.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case unknownRole = "unknown_role"
            case refusedRole = "refused_role"
            case unknownVendor = "unknown_vendor"
        }

        private let value: Value

        /// A role that neither the vendor's vocabulary nor the role mapping knows.
        public static let unknownRole = Code(value: .unknownRole)
        /// A role the vendor has but Roster deliberately does not grant (Confident AI's project Owner).
        public static let refusedRole = Code(value: .refusedRole)
        /// A grant names a vendor instance that is not configured (any more).
        public static let unknownVendor = Code(value: .unknownVendor)

        /// The stable name: `unknown_role`, `refused_role` or `unknown_vendor`.
        public var description: String { value.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A sentence an operator can act on.
    public var description: String

    /// - Parameters:
    ///   - code: What went wrong.
    ///   - description: A sentence an operator can act on, without personal data.
    public init(code: Code, description: String) {
        self.code = code
        self.description = description
    }

    /// Always `false`: planning is pure, so trying again gives the same answer.
    public var isRetryable: Bool { false }
}
