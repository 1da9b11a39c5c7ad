internal import CRdkafka

/// An error from ``KafkaConsumer``, ``KafkaProducer`` or ``KafkaMockCluster``.
///
/// `description` is deliberately terse (code and librdkafka code name): safe for logs, and never
/// holds message keys, values or headers. `debugDescription` adds librdkafka's reason text and the
/// throwing site.
public struct KafkaError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What failed. A struct over a private enum, so codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case config, unsupportedVersion, rdkafka, commitFailed, produceFailed, deliveryFailed
            case queryFailed, closed, timedOut, mockCluster
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The configuration is invalid (thrown before any librdkafka call where possible).
        public static let config = Code(.config)
        /// The linked librdkafka is older than ``KafkaVersion/minimumSupported``.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// A librdkafka call failed (client creation, subscribe, consumer error).
        public static let rdkafka = Code(.rdkafka)
        /// An offset commit failed. Check ``KafkaError/isRetryable``; either way the caller may log
        /// and carry on, because uncommitted messages are redelivered.
        public static let commitFailed = Code(.commitFailed)
        /// A message could not be enqueued for sending.
        public static let produceFailed = Code(.produceFailed)
        /// The broker did not accept an enqueued message.
        public static let deliveryFailed = Code(.deliveryFailed)
        /// A metadata, watermark or committed-offset query failed.
        public static let queryFailed = Code(.queryFailed)
        /// The client has been closed.
        public static let closed = Code(.closed)
        /// An operation ran out of time (for a message: `message.timeout.ms`).
        public static let timedOut = Code(.timedOut)
        /// A mock-cluster control call failed.
        public static let mockCluster = Code(.mockCluster)

        public var description: String { base.rawValue }
    }

    /// Immutable storage: keeps the existential small and the struct cheap to copy.
    private final class Backing: Sendable {
        let code: Code
        let responseCode: KafkaResponseCode?
        let reason: String
        let isFatal: Bool
        let isRetryable: Bool
        let file: String
        let line: Int

        init(
            code: Code, responseCode: KafkaResponseCode?, reason: String, isFatal: Bool, isRetryable: Bool,
            file: String, line: Int
        ) {
            self.code = code
            self.responseCode = responseCode
            self.reason = reason
            self.isFatal = isFatal
            self.isRetryable = isRetryable
            self.file = file
            self.line = line
        }
    }

    private let backing: Backing

    /// What failed.
    public var code: Code { backing.code }
    /// The librdkafka error code, when librdkafka reported one.
    public var responseCode: KafkaResponseCode? { backing.responseCode }
    /// librdkafka's name for ``responseCode`` (`rd_kafka_err2name`), e.g. `COORDINATOR_LOAD_IN_PROGRESS`.
    public var rdkafkaName: String? { backing.responseCode?.name }
    /// A human-readable reason. It never contains message payloads, but may name topics and brokers.
    public var reason: String { backing.reason }
    /// The client is unusable and must be recreated (librdkafka fatal error).
    public var isFatal: Bool { backing.isFatal }
    /// A later attempt of the same operation may succeed: a transient broker or network condition.
    public var isRetryable: Bool { backing.isRetryable }
    /// The file that threw.
    public var file: String { backing.file }
    /// The line that threw.
    public var line: Int { backing.line }

    init(
        code: Code, responseCode: KafkaResponseCode? = nil, reason: String, isFatal: Bool = false,
        isRetryable: Bool? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.backing = Backing(
            code: code, responseCode: responseCode, reason: reason, isFatal: isFatal,
            isRetryable: isRetryable ?? responseCode?.isRetryable ?? false, file: file, line: line)
    }

    /// `KafkaError(commitFailed, COORDINATOR_LOAD_IN_PROGRESS, retryable)`: no reason text.
    public var description: String {
        var parts = [code.description]
        if let rdkafkaName { parts.append(rdkafkaName) }
        if isFatal { parts.append("fatal") } else if isRetryable { parts.append("retryable") }
        return "KafkaError(\(parts.joined(separator: ", ")))"
    }

    /// The description plus the reason and the throwing site.
    public var debugDescription: String {
        "\(description): \(reason) [\(file):\(line)]"
    }
}

// MARK: - Factories

extension KafkaError {
    static func config(_ reason: String, file: String = #fileID, line: Int = #line) -> KafkaError {
        KafkaError(code: .config, reason: reason, file: file, line: line)
    }

    static func closed(_ reason: String, file: String = #fileID, line: Int = #line) -> KafkaError {
        KafkaError(code: .closed, reason: reason, file: file, line: line)
    }

    /// Wraps a `rd_kafka_resp_err_t`, with librdkafka's own text for it unless a reason is given.
    static func rdkafka(
        _ code: Code, _ err: rd_kafka_resp_err_t, reason: String? = nil, isFatal: Bool = false,
        file: String = #fileID, line: Int = #line
    ) -> KafkaError {
        let responseCode = KafkaResponseCode(rawValue: err.rawValue)
        let text = reason ?? String(cString: rd_kafka_err2str(err))
        let fatal = isFatal || responseCode == .fatal
        return KafkaError(
            code: code, responseCode: responseCode, reason: text, isFatal: fatal,
            isRetryable: fatal ? false : nil, file: file, line: line)
    }

    /// Wraps and **destroys** an `rd_kafka_error_t`, keeping librdkafka's retriable/fatal verdicts.
    static func consuming(
        _ code: Code, _ error: OpaquePointer, file: String = #fileID, line: Int = #line
    ) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        let responseCode = KafkaResponseCode(rawValue: rd_kafka_error_code(error).rawValue)
        let fatal = rd_kafka_error_is_fatal(error) != 0
        let retriable = rd_kafka_error_is_retriable(error) != 0 || responseCode.isRetryable
        return KafkaError(
            code: code, responseCode: responseCode, reason: String(cString: rd_kafka_error_string(error)),
            isFatal: fatal, isRetryable: retriable && !fatal, file: file, line: line)
    }
}
