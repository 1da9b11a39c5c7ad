/// What a vendor call's outcome means for the job that made it: a pure function of the status
/// (or of the failure when there was no response), unit-tested as values.
///
/// | Outcome | Meaning |
/// |---|---|
/// | 2xx | ``success`` |
/// | 404 on a DELETE | ``alreadyGone``: the thing is not there, which is what the delete wanted |
/// | connection errors, timeouts, 408, 429, 5xx | ``retryable`` |
/// | 409 | ``retryable`` unless the vendor's ``Policy/conflictIsRetryable`` is `false` |
/// | 400, 401, 403, 404 (not a DELETE), 422, other 4xx, 1xx/3xx | ``permanent`` |
public enum FailureClassification: Sendable, Hashable, CustomStringConvertible {
    /// The call did what it was asked.
    case success
    /// A DELETE found nothing to delete (404): treat as success.
    case alreadyGone
    /// Worth trying again later (after ``VendorError/retryAfter`` when the vendor gave one).
    case retryable
    /// Retrying cannot help: the request, credential or permissions are wrong.
    case permanent

    /// Per-vendor knobs for classification.
    public struct Policy: Sendable, Hashable {
        /// Whether 409 Conflict means a transient race (retry) rather than a permanent
        /// conflict. Defaults to `true`, as OpenAI's SDK does.
        public var conflictIsRetryable: Bool

        public init(conflictIsRetryable: Bool = true) {
            self.conflictIsRetryable = conflictIsRetryable
        }

        /// The defaults: 409 is retryable.
        public static let `default` = Policy()
    }

    /// Classifies an HTTP response status.
    ///
    /// - Parameters:
    ///   - status: The HTTP status code.
    ///   - isDelete: Whether the request was a DELETE (a 404 then means ``alreadyGone``).
    ///   - policy: The vendor's classification knobs.
    ///   - vendorSaysRetry: A vendor's explicit hint (OpenAI's `x-should-retry: true|false`),
    ///     which overrides the status for errors; it never turns a success or an
    ///     ``alreadyGone`` into a failure.
    public static func classify(
        status: Int,
        isDelete: Bool,
        policy: Policy = .default,
        vendorSaysRetry: Bool? = nil
    ) -> FailureClassification {
        if (200..<300).contains(status) { return .success }
        if status == 404 && isDelete { return .alreadyGone }
        if let vendorSaysRetry { return vendorSaysRetry ? .retryable : .permanent }
        switch status {
        case 408, 429, 500...599: return .retryable
        case 409: return policy.conflictIsRetryable ? .retryable : .permanent
        default: return .permanent
        }
    }

    /// Classifies a failure that produced no usable HTTP status.
    ///
    /// Connection failures and timeouts are ``retryable``, and so are calls Roster held back
    /// itself (``VendorError/Code/rateLimited``, ``VendorError/Code/circuitOpen``); a response
    /// Roster could not decode or did not expect is ``permanent`` (retrying would parse the same
    /// bytes the same way).
    public static func classify(code: VendorError.Code) -> FailureClassification {
        switch code {
        case .transport, .timeout, .rateLimited, .circuitOpen: .retryable
        default: .permanent
        }
    }

    public var description: String {
        switch self {
        case .success: "success"
        case .alreadyGone: "already gone"
        case .retryable: "retryable"
        case .permanent: "permanent"
        }
    }
}
