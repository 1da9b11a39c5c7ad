/// Configuration of a ``KafkaConsumer`` in a consumer group.
///
/// Offsets move only when the caller commits: `enable.auto.commit` and `enable.auto.offset.store`
/// are always `false` and cannot be overridden through ``additional``.
public struct KafkaConsumerConfiguration: Sendable, Hashable {
    /// The partition assignment strategy (`partition.assignment.strategy`).
    ///
    /// - Important: Every member of a group must use the same strategy. The librdkafka mock cluster
    ///   uses the group leader's first listed protocol without negotiating.
    public struct AssignmentStrategy: Sendable, Hashable, CustomStringConvertible {
        let value: String
        /// Incremental (cooperative) rebalancing: a rebalance revokes only the partitions that move.
        public static let cooperativeSticky = AssignmentStrategy(value: "cooperative-sticky")
        /// Eager range assignment.
        public static let range = AssignmentStrategy(value: "range")
        /// Eager round-robin assignment.
        public static let roundRobin = AssignmentStrategy(value: "roundrobin")
        public var description: String { value }
    }

    /// Where to start when the group has no committed offset for a partition (`auto.offset.reset`).
    public struct OffsetReset: Sendable, Hashable, CustomStringConvertible {
        let value: String
        /// Start at the oldest retained message.
        public static let earliest = OffsetReset(value: "earliest")
        /// Start at the next produced message.
        public static let latest = OffsetReset(value: "latest")
        public var description: String { value }
    }

    /// Comma-separated `host:port` list (`bootstrap.servers`).
    public var bootstrapServers: String
    /// The consumer group (`group.id`).
    public var groupID: String
    /// The topics to subscribe to.
    public var topics: [String]
    /// How long the group waits for a silent member before reassigning its partitions
    /// (`session.timeout.ms`). Default 10 s. The heartbeat interval is a third of it.
    public var sessionTimeout: Duration = .seconds(10)
    /// The longest allowed gap between two polls before the member leaves the group
    /// (`max.poll.interval.ms`). Default 300 s; must be at least ``sessionTimeout``.
    public var maxPollInterval: Duration = .seconds(300)
    /// The partition assignment strategy. Default ``AssignmentStrategy/cooperativeSticky``.
    public var assignmentStrategy: AssignmentStrategy = .cooperativeSticky
    /// Where to start without a committed offset. Default ``OffsetReset/earliest``.
    public var autoOffsetReset: OffsetReset = .earliest
    /// How long a broker may hold an empty fetch (`fetch.wait.max.ms`). Default 100 ms: the mock
    /// cluster delays every empty fetch by the full wait, even when data arrives meanwhile.
    public var fetchWaitMax: Duration = .milliseconds(100)
    /// The client id reported to brokers (`client.id`).
    public var clientID: String = "roster"
    /// Any other librdkafka property, applied last (for example `security.protocol`).
    /// `enable.auto.commit`, `enable.auto.offset.store` and `group.id` are rejected.
    public var additional: [String: String] = [:]

    /// Creates a configuration with defaults for everything but the cluster, group and topics.
    public init(bootstrapServers: String, groupID: String, topics: [String]) {
        self.bootstrapServers = bootstrapServers
        self.groupID = groupID
        self.topics = topics
    }

    /// Properties only the wrapper may set.
    static let reservedKeys: Set<String> = ["enable.auto.commit", "enable.auto.offset.store", "group.id"]

    /// Checks every field; called by ``KafkaConsumer/make(configuration:logger:)`` before any C call.
    ///
    /// - Throws: ``KafkaError`` with code ``KafkaError/Code/config`` naming the first bad field.
    public func validate() throws {
        _ = try validatedTimeouts()
    }

    private func validatedTimeouts() throws -> (session: Int64, maxPoll: Int64, fetchWait: Int64) {
        try KafkaConfigurationRules.validateBootstrapServers(bootstrapServers)
        try KafkaConfigurationRules.validateText(groupID, field: "groupID")
        guard !topics.isEmpty else { throw KafkaError.config("topics must not be empty") }
        for topic in topics { try KafkaConfigurationRules.validateTopic(topic) }
        guard Set(topics).count == topics.count else { throw KafkaError.config("topics contains duplicates") }
        let session = try KafkaConfigurationRules.milliseconds(
            sessionTimeout, field: "sessionTimeout", range: 1...3_600_000)
        let maxPoll = try KafkaConfigurationRules.milliseconds(
            maxPollInterval, field: "maxPollInterval", range: 1...86_400_000)
        guard maxPoll >= session else {
            throw KafkaError.config("maxPollInterval (\(maxPoll) ms) must be at least sessionTimeout (\(session) ms)")
        }
        let fetchWait = try KafkaConfigurationRules.milliseconds(
            fetchWaitMax, field: "fetchWaitMax", range: 0...300_000)
        try KafkaConfigurationRules.validateText(clientID, field: "clientID")
        try KafkaConfigurationRules.validateAdditional(additional, reserved: Self.reservedKeys)
        return (session, maxPoll, fetchWait)
    }

    /// The librdkafka properties, in the order they are applied (``additional`` last).
    func rdkafkaSettings() throws -> [(key: String, value: String)] {
        let (session, maxPoll, fetchWait) = try validatedTimeouts()
        var settings: [(key: String, value: String)] = [
            ("bootstrap.servers", bootstrapServers),
            ("group.id", groupID),
            ("client.id", clientID),
            ("session.timeout.ms", String(session)),
            ("heartbeat.interval.ms", String(max(1, session / 3))),
            ("max.poll.interval.ms", String(maxPoll)),
            ("partition.assignment.strategy", assignmentStrategy.value),
            ("auto.offset.reset", autoOffsetReset.value),
            ("fetch.wait.max.ms", String(fetchWait)),
            // Offsets move only through KafkaConsumer.commit: at-least-once, commit after the DB.
            ("enable.auto.commit", "false"),
            ("enable.auto.offset.store", "false"),
            ("enable.partition.eof", "false"),
        ]
        settings.append(contentsOf: additional.sorted(by: { $0.key < $1.key }).map { ($0.key, $0.value) })
        return settings
    }
}
