import Foundation
import Logging
import RosterKafka

/// A librdkafka mock cluster for one test (or one `roster dev` session), with unique topic and
/// group names and consumer/producer configurations tuned for fast tests.
///
/// Each test should own its cluster: fault injection (brokers down, request errors) is
/// cluster-wide. Close the clients before the cluster goes away.
public final class KafkaTestCluster: Sendable {
    /// The mock cluster.
    public let mock: KafkaMockCluster
    /// The logger handed to the cluster and to clients made here.
    public let logger: Logger
    private let prefix: String

    /// Starts a mock cluster.
    ///
    /// - Parameters:
    ///   - brokers: How many brokers.
    ///   - label: A short name for logs and for the generated topic and group names.
    public init(brokers: Int = 3, label: String = "test") throws {
        self.logger = KafkaTestLogger.make(label)
        self.mock = try KafkaMockCluster(brokers: brokers, logger: logger)
        let safe = label.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : "-" }
        self.prefix = String(safe.prefix(40)) + "-" + UUID().uuidString.prefix(8).lowercased()
    }

    /// The cluster's `bootstrap.servers`.
    public var bootstrapServers: String { mock.bootstrapServers }

    /// Creates a topic with a name unique to this cluster and returns the name.
    public func makeTopic(partitions: Int32 = 8, replicationFactor: Int32 = 1, name: String = "events") throws -> String
    {
        let topic = "\(prefix).\(name)"
        try mock.createTopic(topic, partitions: partitions, replicationFactor: replicationFactor)
        return topic
    }

    /// A consumer group name unique to this cluster.
    public func groupName(_ name: String = "group") -> String {
        "\(prefix).\(name)"
    }

    /// Reconnect within a second of a broker coming back (librdkafka backs off up to 10 s by default).
    public static let fastReconnect = ["reconnect.backoff.max.ms": "1000"]

    /// A consumer configuration for tests: short session timeout, earliest offsets.
    public func consumerConfiguration(
        topic: String, group: String, sessionTimeout: Duration = .seconds(3)
    ) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: bootstrapServers, groupID: group, topics: [topic])
        configuration.sessionTimeout = sessionTimeout
        configuration.clientID = "roster-test"
        configuration.additional = Self.fastReconnect
        return configuration
    }

    /// A consumer (see ``consumerConfiguration(topic:group:sessionTimeout:)``).
    public func makeConsumer(
        topic: String, group: String, sessionTimeout: Duration = .seconds(3),
        configure: (inout KafkaConsumerConfiguration) -> Void = { _ in }
    ) throws -> KafkaConsumer {
        var configuration = consumerConfiguration(topic: topic, group: group, sessionTimeout: sessionTimeout)
        configure(&configuration)
        return try KafkaConsumer.make(configuration: configuration, logger: logger)
    }

    /// A producer for tests: idempotent, `acks=all`, 10 s message timeout.
    public func makeProducer(
        configure: (inout KafkaProducerConfiguration) -> Void = { _ in }
    ) throws -> KafkaProducer {
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrapServers)
        // Generous: a saturated machine can hold a delivery for many seconds, and a test that wants a
        // timeout sets its own.
        configuration.messageTimeout = .seconds(60)
        configuration.clientID = "roster-test"
        configuration.additional = Self.fastReconnect
        configure(&configuration)
        return try KafkaProducer.make(configuration: configuration, logger: logger)
    }
}

/// Loggers for Kafka tests: quiet by default, `ROSTER_TEST_LOG_LEVEL=debug` (or `info`, …) for more.
public enum KafkaTestLogger {
    /// A logger at `ROSTER_TEST_LOG_LEVEL` (default `error`), writing to standard error.
    public static func make(_ label: String) -> Logger {
        var logger = Logger(label: "roster.test.\(label)") { StreamLogHandler.standardError(label: $0) }
        let configured = ProcessInfo.processInfo.environment["ROSTER_TEST_LOG_LEVEL"].flatMap(
            Logger.Level.init(rawValue:))
        logger.logLevel = configured ?? .error
        return logger
    }
}
