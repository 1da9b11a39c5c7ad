/// Configuration of a ``KafkaProducer``.
public struct KafkaProducerConfiguration: Sendable, Hashable {
    /// How many replicas must acknowledge a write (`acks`).
    public struct Acks: Sendable, Hashable, CustomStringConvertible {
        let value: String
        /// All in-sync replicas (`acks=all`): the only setting that survives a leader failure.
        public static let all = Acks(value: "all")
        /// The leader only (`acks=1`).
        public static let leader = Acks(value: "1")
        /// No acknowledgement (`acks=0`); delivery reports then carry no offset.
        public static let none = Acks(value: "0")
        public var description: String { value }
    }

    /// Comma-separated `host:port` list (`bootstrap.servers`).
    public var bootstrapServers: String
    /// Required acknowledgements. Default ``Acks/all``.
    public var acks: Acks = .all
    /// Idempotent production (`enable.idempotence`): retries cannot duplicate or reorder a
    /// partition's messages. Default `true`; requires ``acks`` `.all`.
    public var enableIdempotence: Bool = true
    /// How long to wait to fill a batch (`linger.ms`). Default 5 ms.
    public var linger: Duration = .milliseconds(5)
    /// How long librdkafka keeps trying to deliver a message, including while no broker is
    /// reachable (`message.timeout.ms`). Default 30 s. A message not delivered by then fails with
    /// ``KafkaError/Code/timedOut``.
    public var messageTimeout: Duration = .seconds(30)
    /// The client id reported to brokers (`client.id`).
    public var clientID: String = "roster"
    /// Any other librdkafka property, applied last. `dr_msg_cb`-related keys are not configurable.
    public var additional: [String: String] = [:]

    /// Creates a configuration with defaults for everything but the cluster.
    public init(bootstrapServers: String) {
        self.bootstrapServers = bootstrapServers
    }

    /// Checks every field; called by ``KafkaProducer/make(configuration:logger:)`` before any C call.
    ///
    /// - Throws: ``KafkaError`` with code ``KafkaError/Code/config`` naming the first bad field.
    public func validate() throws {
        _ = try validatedTimeouts()
    }

    private func validatedTimeouts() throws -> (linger: Int64, messageTimeout: Int64) {
        try KafkaConfigurationRules.validateBootstrapServers(bootstrapServers)
        let linger = try KafkaConfigurationRules.milliseconds(self.linger, field: "linger", range: 0...900_000)
        let timeout = try KafkaConfigurationRules.milliseconds(
            messageTimeout, field: "messageTimeout", range: 1...Int64(Int32.max))
        if enableIdempotence, acks != .all {
            throw KafkaError.config("enableIdempotence requires acks .all")
        }
        try KafkaConfigurationRules.validateText(clientID, field: "clientID")
        try KafkaConfigurationRules.validateAdditional(additional, reserved: ["enable.idempotence", "acks"])
        return (linger, timeout)
    }

    /// The librdkafka properties, in the order they are applied (``additional`` last).
    func rdkafkaSettings() throws -> [(key: String, value: String)] {
        let (linger, timeout) = try validatedTimeouts()
        var settings: [(key: String, value: String)] = [
            ("bootstrap.servers", bootstrapServers),
            ("client.id", clientID),
            ("acks", acks.value),
            ("enable.idempotence", enableIdempotence ? "true" : "false"),
            ("linger.ms", String(linger)),
            ("message.timeout.ms", String(timeout)),
        ]
        settings.append(contentsOf: additional.sorted(by: { $0.key < $1.key }).map { ($0.key, $0.value) })
        return settings
    }
}
