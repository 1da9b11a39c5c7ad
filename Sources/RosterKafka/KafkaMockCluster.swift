internal import CRdkafka
import Dispatch
import Logging
import Synchronization

/// librdkafka's in-memory mock Kafka cluster: brokers on ephemeral `127.0.0.1` ports that any
/// Kafka client can reach over TCP, plus fault injection.
///
/// Use it in tests and from `roster dev`. It lives as long as this object; topics, data and
/// committed offsets are lost when it is destroyed. Close clients connected to it first.
///
/// Known limits of the 2.0.2 mock (see `shared/reference/kafka-testing.md`): at most 5 MiB per
/// partition is retained (older data silently dropped); the first join of a group waits 3 s;
/// a member that vanishes without leaving is replaced after about 2 × session timeout; empty
/// fetches wait the full `fetch.wait.max.ms`; no transactions; no CreateTopics over the wire.
///
/// Control calls post to the cluster's thread and wait for its short reply.
public final class KafkaMockCluster: Sendable {
    /// The protocol API a request error is injected into.
    public enum APIKey: Int16, Sendable, CaseIterable {
        case produce = 0
        case fetch = 1
        case listOffsets = 2
        case metadata = 3
        case offsetCommit = 8
        case offsetFetch = 9
        case findCoordinator = 10
        case joinGroup = 11
        case heartbeat = 12
        case leaveGroup = 13
        case syncGroup = 14
        case apiVersions = 18
    }

    /// `host:port,…` of every broker, for `bootstrap.servers`. Ports change with every cluster.
    public let bootstrapServers: String
    /// The broker ids: `1...brokers`.
    public let brokerIDs: ClosedRange<Int32>

    private let cluster: SendableOpaquePointer
    /// The `rd_kafka_t` the mock cluster belongs to; destroyed after the cluster.
    private let handle: RDKafkaHandle
    private let logger: Logger

    /// Starts a cluster.
    ///
    /// - Parameters:
    ///   - brokers: How many brokers (ids 1…N). Three let leaders and coordinators move.
    ///   - logger: Receives the mock's librdkafka log lines.
    /// - Throws: ``KafkaError`` ``KafkaError/Code/mockCluster`` or ``KafkaError/Code/unsupportedVersion``.
    public init(brokers: Int = 3, logger: Logger) throws {
        guard (1...64).contains(brokers) else { throw KafkaError.config("brokers must be 1...64, not \(brokers)") }
        let handle = try RDKafkaHandle.make(
            kind: .mockCluster, settings: [("client.id", "roster-mock-cluster")],
            context: RDKafkaClientContext(logger: logger))
        guard let cluster = handle.withHandle({ rd_kafka_mock_cluster_new($0, Int32(brokers)) }) else {
            throw KafkaError(code: .mockCluster, reason: "rd_kafka_mock_cluster_new failed")
        }
        self.cluster = SendableOpaquePointer(pointer: cluster)
        self.handle = handle
        self.logger = logger
        self.brokerIDs = 1...Int32(brokers)
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        logger.info("mock Kafka cluster started", metadata: ["kafka.bootstrap": "\(bootstrapServers)"])
    }

    deinit {
        // Destroying the cluster can block for about a second: not on the cooperative pool. The
        // cluster goes first; it belongs to the handle's rd_kafka_t, destroyed after the block.
        let (cluster, handle) = (self.cluster, self.handle)
        RDKafkaHandle.teardownQueue.async {
            withExtendedLifetime(handle) { rd_kafka_mock_cluster_destroy(cluster.pointer) }
        }
    }

    // MARK: - Topics and placement

    /// Creates a topic (the mock does not serve CreateTopics over the wire).
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws {
        try KafkaConfigurationRules.validateTopic(name)
        try check(
            rd_kafka_mock_topic_create(cluster.pointer, name, partitions, replicationFactor), "create topic \(name)")
    }

    /// Moves a partition's leadership to `broker` (`-1`: leaderless). Taking a broker down never
    /// moves leaders by itself.
    public func setPartitionLeader(topic: String, partition: Int32, broker: Int32) throws {
        try check(
            rd_kafka_mock_partition_set_leader(cluster.pointer, topic, partition, broker),
            "set leader of \(topic)[\(partition)]")
    }

    /// Pins a consumer group's coordinator to `broker`; other brokers answer NOT_COORDINATOR.
    public func setCoordinator(group: String, broker: Int32) throws {
        try check(rd_kafka_mock_coordinator_set(cluster.pointer, "group", group, broker), "set coordinator of \(group)")
    }

    // MARK: - Brokers

    /// Takes a broker (or all, for `nil`) down: connections close and new ones are refused; the
    /// port and partition leadership stay. Never while this process spawns a child (see
    /// ``spawning(_:)``).
    public func setBrokerDown(_ broker: Int32?) throws {
        try Self.spawnExclusion.withLock { _ in
            try check(
                rd_kafka_mock_broker_set_down(cluster.pointer, broker ?? -1), "take broker \(broker ?? -1) down")
        }
    }

    /// Brings a broker (or all, for `nil`) back up on the same port.
    public func setBrokerUp(_ broker: Int32?) throws {
        try check(rd_kafka_mock_broker_set_up(cluster.pointer, broker ?? -1), "bring broker \(broker ?? -1) up")
    }

    /// Adds `milliseconds` of latency to every response of a broker (or all, for `nil`).
    public func setRTT(broker: Int32?, milliseconds: Int) throws {
        try check(
            rd_kafka_mock_broker_set_rtt(cluster.pointer, broker ?? -1, Int32(clamping: milliseconds)),
            "set rtt of broker \(broker ?? -1)")
    }

    // MARK: - Request errors

    /// Makes the next `errors.count` requests of `apiKey`, cluster-wide, fail with these codes in
    /// order. ``KafkaResponseCode/transport`` makes the broker drop the connection instead.
    public func pushRequestErrors(apiKey: APIKey, errors: [KafkaResponseCode]) {
        guard !errors.isEmpty else { return }
        let codes = errors.map { rd_kafka_resp_err_t($0.rawValue) }
        codes.withUnsafeBufferPointer {
            rd_kafka_mock_push_request_errors_array(cluster.pointer, apiKey.rawValue, $0.count, $0.baseAddress)
        }
        logger.debug(
            "mock cluster: request errors pushed",
            metadata: ["kafka.api": "\(apiKey)", "kafka.errors": "\(errors.map(\.name))"])
    }

    /// Drops any request errors still queued for `apiKey`.
    public func clearRequestErrors(apiKey: APIKey) {
        rd_kafka_mock_clear_request_errors(cluster.pointer, apiKey.rawValue)
    }

    private func check(_ err: rd_kafka_resp_err_t, _ action: String) throws {
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdkafka(.mockCluster, err, reason: "mock cluster: \(action) failed")
        }
        logger.debug("mock cluster: \(action)")
    }
}
