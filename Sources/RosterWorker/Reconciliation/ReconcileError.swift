/// Why a reconciliation pass or verification could not be done. Safe to log and show: no
/// addresses, names or keys.
public struct ReconcileError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Another process holds the cluster-wide reconciliation lock.
        public static let busy = Code(rawValue: "busy")
        /// The vendor named is not configured.
        public static let unknownVendor = Code(rawValue: "unknown_vendor")
        /// The vendor's connector cannot list what it holds.
        public static let notListable = Code(rawValue: "not_listable")
        /// An employee's recorded HR event could not be read back.
        public static let unreadableEvent = Code(rawValue: "unreadable_event")

        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// Another pass may succeed later: only a busy lock.
    public var isRetryable: Bool { code == .busy }

    public var description: String { "\(message) (\(code))" }
}
