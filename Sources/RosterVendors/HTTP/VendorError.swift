/// A failed vendor call: no response, an error status, or a body Roster could not read.
///
/// The vendor's own message is kept in ``message`` for operators, but vendors echo email
/// addresses in messages, so ``description`` and ``debugDescription`` only ever show
/// ``redactedMessage``. Log the error itself (`"\(error)"`), never `error.message`.
public struct VendorError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Backing: String, Sendable, Hashable {
            case transport, timeout, http, decoding, unexpected, rateLimited, circuitOpen
        }

        private let backing: Backing

        private init(_ backing: Backing) {
            self.backing = backing
        }

        /// The connection failed or broke before a response arrived.
        public static let transport = Code(.transport)
        /// A connect, read or overall deadline passed.
        public static let timeout = Code(.timeout)
        /// The vendor answered with a non-2xx status (see ``VendorError/status``).
        public static let http = Code(.http)
        /// A 2xx body did not have the documented shape.
        public static let decoding = Code(.decoding)
        /// Anything else Roster did not expect (a pagination cursor that did not advance, …).
        public static let unexpected = Code(.unexpected)
        /// Roster's own shared rate limiter had no slot for this call soon enough: no request
        /// was sent. Retryable after ``VendorError/retryAfter``.
        public static let rateLimited = Code(.rateLimited)
        /// The vendor's circuit breaker is open: no request was sent. Retryable after
        /// ``VendorError/retryAfter``.
        public static let circuitOpen = Code(.circuitOpen)

        public var description: String { backing.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The HTTP status when the vendor answered.
    public var status: Int?
    /// The vendor's machine-readable error code (OpenAI `error.code` or else `error.type`,
    /// PostHog `code`), when it sent one.
    public var vendorCode: String?
    /// The vendor's message, unredacted. May contain personal data: see ``redactedMessage``.
    public var message: String
    /// How long the vendor asked us to wait (`Retry-After` and rate-limit headers).
    public var retryAfter: Duration?
    /// What the failure means for the job (see ``FailureClassification``).
    public var classification: FailureClassification
    /// The vendor's name, for messages ("openai").
    public var vendor: String?
    /// The source file that made the error (`#fileID`).
    public var file: String
    /// The source line that made the error.
    public var line: Int

    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - status: The HTTP status, if a response arrived.
    ///   - vendorCode: The vendor's error code.
    ///   - message: The vendor's (or the transport's) message, unredacted.
    ///   - retryAfter: The wait the vendor asked for.
    ///   - classification: Retry meaning; derived from `status` or `code` when `nil`.
    ///   - vendor: The vendor's name.
    public init(
        code: Code,
        status: Int? = nil,
        vendorCode: String? = nil,
        message: String,
        retryAfter: Duration? = nil,
        classification: FailureClassification? = nil,
        vendor: String? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.status = status
        self.vendorCode = vendorCode
        self.message = message
        self.retryAfter = retryAfter
        if let classification {
            self.classification = classification
        } else if let status, code == .http {
            self.classification = FailureClassification.classify(status: status, isDelete: false)
        } else {
            self.classification = FailureClassification.classify(code: code)
        }
        self.vendor = vendor
        self.file = file
        self.line = line
    }

    /// Whether retrying later may succeed (connection errors, timeouts, 408, 409, 429, 5xx).
    public var isRetryable: Bool { classification == .retryable }

    /// Whether this is a 404 answering a DELETE: the thing is already gone, which callers
    /// treat as success.
    public var isAlreadyGone: Bool { classification == .alreadyGone }

    /// ``message`` with every email address replaced by `<email>`.
    public var redactedMessage: String { EmailRedaction.redact(message) }

    public var description: String {
        var parts = ["\(vendor ?? "vendor") \(code)"]
        if let status { parts.append("status \(status)") }
        if let vendorCode { parts.append("code \(EmailRedaction.redact(vendorCode))") }
        parts.append(classification.description)
        if let retryAfter { parts.append("retry after \(retryAfter)") }
        return parts.joined(separator: ", ") + ": " + redactedMessage
    }

    /// ``description`` plus where the error was made. Still redacted: debug output ends up in
    /// logs too.
    public var debugDescription: String {
        "\(description) (\(file):\(line))"
    }

    // MARK: - Factories

    /// A connection failure.
    public static func transport(_ message: String, file: String = #fileID, line: Int = #line) -> VendorError {
        VendorError(code: .transport, message: message, file: file, line: line)
    }

    /// A timeout.
    public static func timeout(_ message: String, file: String = #fileID, line: Int = #line) -> VendorError {
        VendorError(code: .timeout, message: message, file: file, line: line)
    }

    /// A body that did not decode.
    public static func decoding(
        _ message: String,
        status: Int? = nil,
        file: String = #fileID,
        line: Int = #line
    ) -> VendorError {
        VendorError(
            code: .decoding, status: status, message: message, classification: .permanent, file: file, line: line)
    }

    /// Something Roster did not expect.
    public static func unexpected(_ message: String, file: String = #fileID, line: Int = #line) -> VendorError {
        VendorError(code: .unexpected, message: message, file: file, line: line)
    }

    /// Roster's own rate limiter refused the call (no request was sent): retryable after `retryAfter`.
    ///
    /// - Parameters:
    ///   - vendor: The vendor instance's name.
    ///   - retryAfter: When a slot may be free again.
    public static func rateLimited(
        vendor: String,
        retryAfter: Duration,
        file: String = #fileID,
        line: Int = #line
    ) -> VendorError {
        VendorError(
            code: .rateLimited,
            message: "rate limit budget for vendor \(vendor) is taken by higher-priority work; no call was made",
            retryAfter: retryAfter,
            classification: .retryable,
            vendor: vendor,
            file: file,
            line: line
        )
    }

    /// The vendor's circuit breaker is open (no request was sent): retryable after `retryAfter`.
    ///
    /// - Parameters:
    ///   - vendor: The vendor instance's name.
    ///   - retryAfter: When the breaker lets a probe call through.
    public static func circuitOpen(
        vendor: String,
        retryAfter: Duration,
        file: String = #fileID,
        line: Int = #line
    ) -> VendorError {
        VendorError(
            code: .circuitOpen,
            message: "circuit open for vendor \(vendor): it failed repeatedly; no call was made",
            retryAfter: retryAfter,
            classification: .retryable,
            vendor: vendor,
            file: file,
            line: line
        )
    }

    /// An error status, classified by ``FailureClassification/classify(status:isDelete:policy:vendorSaysRetry:)``.
    ///
    /// - Parameters:
    ///   - status: The HTTP status.
    ///   - isDelete: Whether the request was a DELETE.
    ///   - vendorCode: The vendor's error code.
    ///   - message: The vendor's message (unredacted).
    ///   - retryAfter: The wait the vendor asked for.
    ///   - policy: The vendor's classification knobs.
    ///   - vendorSaysRetry: The vendor's explicit retry hint, if any.
    ///   - vendor: The vendor's name.
    public static func http(
        status: Int,
        isDelete: Bool,
        vendorCode: String?,
        message: String,
        retryAfter: Duration?,
        policy: FailureClassification.Policy = .default,
        vendorSaysRetry: Bool? = nil,
        vendor: String? = nil,
        file: String = #fileID,
        line: Int = #line
    ) -> VendorError {
        let classification = FailureClassification.classify(
            status: status,
            isDelete: isDelete,
            policy: policy,
            vendorSaysRetry: vendorSaysRetry
        )
        return VendorError(
            code: .http,
            status: status,
            vendorCode: vendorCode,
            message: message,
            retryAfter: retryAfter,
            classification: classification,
            vendor: vendor,
            file: file,
            line: line
        )
    }
}
