internal import CRdkafka
import Logging

/// The object librdkafka's callbacks reach through the configuration opaque.
///
/// The owning ``RDKafkaHandle`` keeps it alive until `rd_kafka_destroy` has returned, so every
/// callback (including log lines from librdkafka's internal threads during destroy) finds it.
final class RDKafkaClientContext: Sendable {
    let logger: Logger
    /// Consumers only: assignment tracking and rebalance events.
    let rebalance: RDKafkaRebalanceState?

    init(logger: Logger, rebalance: RDKafkaRebalanceState? = nil) {
        self.logger = logger
        self.rebalance = rebalance
    }

    /// The opaque pointer handed to `rd_kafka_conf_set_opaque` (unretained: the handle owns us).
    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaClientContext? {
        opaque.map { Unmanaged<RDKafkaClientContext>.fromOpaque($0).takeUnretainedValue() }
    }

    // MARK: - Logging

    /// librdkafka's syslog level (0 emergency … 7 debug) as a swift-log level.
    static func loggerLevel(syslog level: Int32) -> Logger.Level {
        switch level {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }

    /// The librdkafka `log_level` that produces nothing the logger would discard.
    static func syslogLevel(for level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    func log(syslogLevel: Int32, facility: String, message: String, client: String) {
        var level = Self.loggerLevel(syslog: syslogLevel)
        // FAIL: a broker connection failed or closed. librdkafka reconnects by itself and the error
        // callback reports lasting trouble (all brokers down), so this is a warning, not an error.
        if facility == "FAIL", level > .warning { level = .warning }
        logger.log(
            level: level,
            "\(message)",
            metadata: [KafkaLoggingKeys.client: "\(client)", KafkaLoggingKeys.facility: "\(facility)"])
    }

    /// librdkafka's error callback. Most of these are transient and librdkafka recovers by itself;
    /// only a fatal error makes the client unusable.
    func logError(_ err: rd_kafka_resp_err_t, reason: String, client: String) {
        let code = KafkaResponseCode(rawValue: err.rawValue)
        let level: Logger.Level =
            switch code {
            case .fatal: .critical
            // -193 is RD_KAFKA_RESP_ERR__RESOLVE.
            case .allBrokersDown, .transport, -193: .warning
            default: .error
            }
        let summary =
            code == .allBrokersDown ? "all brokers are down; librdkafka keeps reconnecting" : "librdkafka error"
        logger.log(
            level: level, "\(summary)",
            metadata: [
                KafkaLoggingKeys.client: "\(client)", KafkaLoggingKeys.errorCode: "\(code.name)",
                KafkaLoggingKeys.reason: "\(reason)",
            ])
    }
}

/// Metadata keys RosterKafka logs with.
public enum KafkaLoggingKeys {
    /// librdkafka's client instance name (`rdkafka#consumer-1`).
    public static let client = "kafka.client"
    /// librdkafka's log facility (`FAIL`, `CGRPOP`, …).
    public static let facility = "kafka.facility"
    /// librdkafka's error code name.
    public static let errorCode = "kafka.error.code"
    /// An error's reason text.
    public static let reason = "kafka.error.reason"
    /// The consumer group id.
    public static let groupID = "kafka.group.id"
    /// Topic-partitions of a rebalance or commit.
    public static let partitions = "kafka.partitions"
    /// The rebalance protocol (`EAGER`, `COOPERATIVE`).
    public static let rebalanceProtocol = "kafka.rebalance.protocol"
    /// A message count.
    public static let count = "kafka.count"
}
