/// A topic and one of its partitions.
public struct KafkaTopicPartition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The topic name.
    public var topic: String
    /// The partition number.
    public var partition: Int32

    /// Creates a topic-partition.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }

    /// `topic[partition]`.
    public var description: String { "\(topic)[\(partition)]" }
}

/// A topic-partition with an offset.
///
/// In commits and in ``KafkaConsumer/committed(partitions:timeout:)`` the offset is Kafka's
/// *committed offset*: the offset of the **next** message to read, that is the last processed
/// offset + 1.
public struct KafkaTopicPartitionOffset: Sendable, Hashable, CustomStringConvertible {
    /// The topic name.
    public var topic: String
    /// The partition number.
    public var partition: Int32
    /// The offset. For commits: the next offset to read.
    public var offset: Int64

    /// Creates a topic-partition-offset.
    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    /// Creates a topic-partition-offset.
    public init(_ topicPartition: KafkaTopicPartition, offset: Int64) {
        self.init(topic: topicPartition.topic, partition: topicPartition.partition, offset: offset)
    }

    /// The topic and partition without the offset.
    public var topicPartition: KafkaTopicPartition {
        KafkaTopicPartition(topic: topic, partition: partition)
    }

    /// `topic[partition]@offset`.
    public var description: String { "\(topic)[\(partition)]@\(offset)" }
}

/// How far a consumer group is behind on one partition (see ``KafkaConsumer/lag(timeout:)``).
public struct KafkaPartitionLag: Sendable, Hashable {
    /// The topic name.
    public var topic: String
    /// The partition number.
    public var partition: Int32
    /// The group's committed offset (the next offset to read), or `nil` if it never committed.
    public var committed: Int64?
    /// The partition's low watermark (oldest retained offset).
    public var low: Int64
    /// The partition's high watermark (the offset the next produced message will get).
    public var high: Int64

    /// Creates a lag record.
    public init(topic: String, partition: Int32, committed: Int64?, low: Int64, high: Int64) {
        self.topic = topic
        self.partition = partition
        self.committed = committed
        self.low = low
        self.high = high
    }

    /// Messages not yet committed: `high - committed`, where a missing or expired commit counts from
    /// the low watermark (the consumer's `autoOffsetReset` is `.earliest` by default).
    public var lag: Int64 {
        let position = max(committed ?? low, low)
        return max(0, high - position)
    }
}
