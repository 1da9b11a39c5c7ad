/// A caller used ``OffboardingBrakeGate`` in a way that would let offboardings past the brake: a
/// programming error, reported instead of deciding with a lock that protects nothing.
public struct OffboardingBrakeGateError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Which misuse it was; a struct over a private enum, so that codes can be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable { case notInTransaction = "not_in_transaction" }
        private let value: Value
        /// No transaction was open: the advisory lock would end with its own statement.
        public static let notInTransaction = Code(value: .notInTransaction)
        /// The code's snake-case name (`not_in_transaction`).
        public var description: String { value.rawValue }
    }

    /// Which misuse it was.
    public var code: Code
    /// Retrying the same call cannot help: the caller must change.
    public var isRetryable: Bool { false }

    /// What the caller must do instead, in one sentence.
    public var description: String {
        "the mass-offboarding brake must be asked inside the transaction that records the offboardings"
    }

    /// The code and ``description``, for logs and test failures.
    public var debugDescription: String { "OffboardingBrakeGateError(\(code)): \(description)" }

    static let notInTransaction = OffboardingBrakeGateError(code: .notInTransaction)
}
