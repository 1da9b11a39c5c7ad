import Foundation

/// One record read from Kafka by ``KafkaConsumer``.
///
/// The key, value and header bytes are copied out of librdkafka, so a message stays valid after the
/// consumer moves on or closes.
///
/// - Important: Roster's messages carry personal data. Never log ``key``, ``value`` or ``headers``;
///   `description` prints only the coordinates.
public struct KafkaMessage: Sendable, Hashable, CustomStringConvertible {
    /// The topic the message was read from.
    public var topic: String
    /// The partition the message was read from.
    public var partition: Int32
    /// The message's offset in its partition.
    public var offset: Int64
    /// The message key, or `nil` for a null key.
    public var key: Data?
    /// The message value. A null value (a tombstone) reads as empty `Data`.
    public var value: Data
    /// The record headers, in the order they were written.
    public var headers: [KafkaHeader]
    /// The record's timestamp (create or log-append time), when the broker reported one.
    public var timestamp: Date?

    /// Creates a message. Consumers receive these from ``KafkaConsumer/poll(maxMessages:timeout:)``;
    /// tests may build them directly.
    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        key: Data? = nil,
        value: Data,
        headers: [KafkaHeader] = [],
        timestamp: Date? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    /// The message's topic and partition.
    public var topicPartition: KafkaTopicPartition {
        KafkaTopicPartition(topic: topic, partition: partition)
    }

    /// The value of the last header named `key`, if any (Kafka allows repeated header keys).
    public func header(_ key: String) -> Data? {
        headers.last(where: { $0.key == key })?.value
    }

    /// Coordinates only (`topic[partition]@offset`): no key, value or header bytes.
    public var description: String {
        "KafkaMessage(\(topic)[\(partition)]@\(offset))"
    }
}

/// One Kafka record header. Keys may repeat; a header value may be null.
public struct KafkaHeader: Sendable, Hashable {
    /// The header name.
    public var key: String
    /// The header value, or `nil` for a null value.
    public var value: Data?

    /// Creates a header.
    public init(key: String, value: Data?) {
        self.key = key
        self.value = value
    }

    /// Creates a header with a UTF-8 string value.
    public init(key: String, string: String) {
        self.init(key: key, value: Data(string.utf8))
    }
}
