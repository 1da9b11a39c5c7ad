/// Why a reconciliation pass or verification could not be done. Safe to log and show: no
/// addresses, names or keys.
public struct ReconcileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure it was; open to new values.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's snake-case name (`busy`, `unknown_vendor`, …).
        public var rawValue: String
        /// The code called `rawValue`; prefer the static members.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Another process holds the cluster-wide reconciliation lock.
        public static let busy = Code(rawValue: "busy")
        /// The vendor named is not configured.
        public static let unknownVendor = Code(rawValue: "unknown_vendor")
        /// The vendor's connector cannot list what it holds.
        public static let notListable = Code(rawValue: "not_listable")
        /// An employee's recorded HR event could not be read back.
        public static let unreadableEvent = Code(rawValue: "unreadable_event")
        /// Postgres did not record what the pass wrote (a run row that came back empty).
        public static let notRecorded = Code(rawValue: "not_recorded")

        /// The ``rawValue``.
        public var description: String { rawValue }
    }

    /// What kind of failure it was.
    public var code: Code
    /// What went wrong, for a person: names vendors, never employees.
    public var message: String

    /// An error with `code` and a `message` that must hold no personal data or secret.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// Another pass may succeed later: only a busy lock.
    public var isRetryable: Bool { code == .busy }

    /// The message followed by the code in parentheses, as `roster reconcile` prints it.
    public var description: String { "\(message) (\(code))" }
}
