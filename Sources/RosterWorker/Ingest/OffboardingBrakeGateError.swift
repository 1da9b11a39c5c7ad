/// A caller used ``OffboardingBrakeGate`` in a way that would let offboardings past the brake: a
/// programming error, reported instead of deciding with a lock that protects nothing.
public struct OffboardingBrakeGateError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable { case notInTransaction = "not_in_transaction" }
        private let value: Value
        /// No transaction was open: the advisory lock would end with its own statement.
        public static let notInTransaction = Code(value: .notInTransaction)
        public var description: String { value.rawValue }
    }

    public var code: Code
    /// Retrying the same call cannot help: the caller must change.
    public var isRetryable: Bool { false }

    public var description: String {
        "the mass-offboarding brake must be asked inside the transaction that records the offboardings"
    }

    public var debugDescription: String { "OffboardingBrakeGateError(\(code)): \(description)" }

    static let notInTransaction = OffboardingBrakeGateError(code: .notInTransaction)
}
