internal import CRdkafka

/// Owns one `rd_kafka_topic_partition_list_t`, destroyed in `deinit`.
///
/// Not `Sendable`: build, use and drop it inside one closure on one thread.
final class RDKafkaTopicPartitionList {
    private let list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(capacity: Int) {
        list = rd_kafka_topic_partition_list_new(Int32(clamping: max(1, capacity)))
    }

    convenience init(_ offsets: [KafkaTopicPartitionOffset]) {
        self.init(capacity: offsets.count)
        for entry in offsets { add(entry.topicPartition, offset: entry.offset) }
    }

    convenience init(_ partitions: [KafkaTopicPartition]) {
        self.init(capacity: partitions.count)
        for partition in partitions { add(partition, offset: Int64(RD_KAFKA_OFFSET_INVALID)) }
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(list)
    }

    func add(_ topicPartition: KafkaTopicPartition, offset: Int64) {
        // rd_kafka_topic_partition_list_add copies the topic name.
        let element = rd_kafka_topic_partition_list_add(list, topicPartition.topic, topicPartition.partition)!
        element.pointee.offset = offset
    }

    /// Lends the list to a C call. Do not escape the pointer.
    func withListPointer<T>(_ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws -> T) rethrows -> T {
        try body(list)
    }

    /// The elements with their offsets and per-partition errors.
    var elements: [Element] { Self.elements(of: list) }

    struct Element {
        var topicPartition: KafkaTopicPartition
        var offset: Int64
        var error: rd_kafka_resp_err_t
    }

    /// Reads a list owned by someone else (for example the one lent to the rebalance callback).
    static func elements(of list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [Element] {
        let count = Int(list.pointee.cnt)
        guard count > 0, let elems = list.pointee.elems else { return [] }
        return (0..<count).map { index in
            let element = elems[index]
            return Element(
                topicPartition: KafkaTopicPartition(
                    topic: String(cString: element.topic), partition: element.partition),
                offset: element.offset,
                error: element.err)
        }
    }
}
