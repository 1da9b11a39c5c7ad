import Foundation

/// A message to send with ``KafkaProducer``.
public struct KafkaProducerRecord: Sendable, Hashable, CustomStringConvertible {
    /// The destination topic.
    public var topic: String
    /// A fixed partition, or `nil` to let the partitioner choose from the key (librdkafka's
    /// `consistent_random`: the same key always goes to the same partition; a null key goes to a
    /// random one).
    public var partition: Int32?
    /// The key, or `nil` for a null key. Roster uses the employee id.
    public var key: Data?
    /// The value. Empty `Data` is sent as an empty (not null) value.
    public var value: Data
    /// Record headers, in order.
    public var headers: [KafkaHeader]

    /// Creates a record.
    public init(topic: String, partition: Int32? = nil, key: Data? = nil, value: Data, headers: [KafkaHeader] = []) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// Coordinates only: no key, value or header bytes.
    public var description: String {
        "KafkaProducerRecord(\(topic)\(partition.map { "[\($0)]" } ?? ""), \(value.count) bytes)"
    }
}

/// Where the broker stored a delivered message.
public struct KafkaDeliveryReport: Sendable, Hashable, CustomStringConvertible {
    /// The topic.
    public var topic: String
    /// The partition the message was written to.
    public var partition: Int32
    /// The message's offset, or `nil` when librdkafka could not learn it (`acks=0`, or an
    /// idempotent producer's retried message; see `rd_kafka_message_t.offset`).
    public var offset: Int64?
    /// The message timestamp, when known.
    public var timestamp: Date?

    /// Creates a report.
    public init(topic: String, partition: Int32, offset: Int64?, timestamp: Date? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
    }

    /// `topic[partition]@offset`.
    public var description: String { "\(topic)[\(partition)]@\(offset.map(String.init) ?? "?")" }
}
