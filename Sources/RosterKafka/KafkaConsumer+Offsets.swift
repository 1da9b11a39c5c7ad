internal import CRdkafka

extension KafkaConsumer {
    /// The group's committed offsets (next offset to read) for `partitions`. Partitions without a
    /// committed offset are left out. Works for any partition of any topic, assigned or not.
    ///
    /// - Throws: ``KafkaError`` ``KafkaError/Code/queryFailed`` (``KafkaError/isRetryable`` for
    ///   transient causes), ``KafkaError/Code/closed``.
    public func committed(
        partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)
    ) async throws -> [KafkaTopicPartitionOffset] {
        guard !partitions.isEmpty else { return [] }
        return try await onQueue(queryQueue) {
            try self.ensureOpen()
            return try self.handle.withHandle { rk in try Self.committed(rk, partitions, timeout: timeout) }
        }
    }

    /// The low (oldest retained) and high (next to be written) offsets of one partition, asked of
    /// its leader.
    ///
    /// - Throws: ``KafkaError`` ``KafkaError/Code/queryFailed``, ``KafkaError/Code/closed``.
    public func watermarks(
        topic: String, partition: Int32, timeout: Duration = .seconds(10)
    ) async throws -> (low: Int64, high: Int64) {
        let pair = try await onQueue(queryQueue) {
            try self.ensureOpen()
            return try self.handle.withHandle { rk in try Self.watermarks(rk, topic, partition, timeout: timeout) }
        }
        return (low: pair.low, high: pair.high)
    }

    /// The partition ids of `topic`, from cluster metadata.
    ///
    /// - Throws: ``KafkaError`` ``KafkaError/Code/queryFailed`` (also for an unknown topic),
    ///   ``KafkaError/Code/closed``.
    public func partitions(topic: String, timeout: Duration = .seconds(10)) async throws -> [Int32] {
        try await onQueue(queryQueue) {
            try self.ensureOpen()
            return try self.handle.withHandle { rk in try Self.partitionIDs(rk, topic, timeout: timeout) }
        }
    }

    /// The group's lag on every partition of the subscribed topics: committed offset against the
    /// watermarks (for `roster status`). `timeout` bounds each request, not the whole call.
    ///
    /// - Throws: ``KafkaError`` ``KafkaError/Code/queryFailed``, ``KafkaError/Code/closed``.
    public func lag(timeout: Duration = .seconds(10)) async throws -> [KafkaPartitionLag] {
        let topics = configuration.topics
        return try await onQueue(queryQueue) {
            try self.ensureOpen()
            return try self.handle.withHandle { rk in
                var all: [KafkaTopicPartition] = []
                for topic in topics {
                    all += try Self.partitionIDs(rk, topic, timeout: timeout).map {
                        KafkaTopicPartition(topic: topic, partition: $0)
                    }
                }
                var committed: [KafkaTopicPartition: Int64] = [:]
                for entry in try Self.committed(rk, all, timeout: timeout) {
                    committed[entry.topicPartition] = entry.offset
                }
                return try all.map { tp in
                    let marks = try Self.watermarks(rk, tp.topic, tp.partition, timeout: timeout)
                    return KafkaPartitionLag(
                        topic: tp.topic, partition: tp.partition, committed: committed[tp], low: marks.low,
                        high: marks.high)
                }
            }
        }
    }

    // MARK: - Blocking helpers (query queue only)

    private static func committed(
        _ rk: OpaquePointer, _ partitions: [KafkaTopicPartition], timeout: Duration
    ) throws -> [KafkaTopicPartitionOffset] {
        guard !partitions.isEmpty else { return [] }
        let list = RDKafkaTopicPartitionList(partitions)
        let err = list.withListPointer { rd_kafka_committed(rk, $0, timeout.timeoutMilliseconds) }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdkafka(.queryFailed, err, reason: "fetching committed offsets failed")
        }
        var result: [KafkaTopicPartitionOffset] = []
        for element in list.elements {
            guard element.error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError.rdkafka(
                    .queryFailed, element.error,
                    reason: "fetching the committed offset of \(element.topicPartition) failed")
            }
            // RD_KAFKA_OFFSET_INVALID (-1001): nothing committed.
            if element.offset >= 0 {
                result.append(KafkaTopicPartitionOffset(element.topicPartition, offset: element.offset))
            }
        }
        return result
    }

    private static func watermarks(
        _ rk: OpaquePointer, _ topic: String, _ partition: Int32, timeout: Duration
    ) throws -> Watermarks {
        var low: Int64 = -1
        var high: Int64 = -1
        let err = rd_kafka_query_watermark_offsets(rk, topic, partition, &low, &high, timeout.timeoutMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdkafka(.queryFailed, err, reason: "querying watermarks of \(topic)[\(partition)] failed")
        }
        return Watermarks(low: low, high: high)
    }

    private static func partitionIDs(_ rk: OpaquePointer, _ topic: String, timeout: Duration) throws -> [Int32] {
        // rd_kafka_topic_new returns a reference we must release with rd_kafka_topic_destroy.
        guard let rkt = rd_kafka_topic_new(rk, topic, nil) else {
            throw KafkaError.rdkafka(.queryFailed, rd_kafka_last_error(), reason: "invalid topic '\(topic)'")
        }
        defer { rd_kafka_topic_destroy(rkt) }
        var metadata: UnsafePointer<rd_kafka_metadata_t>?
        let err = rd_kafka_metadata(rk, 0, rkt, &metadata, timeout.timeoutMilliseconds)
        // The metadata is ours to free with rd_kafka_metadata_destroy.
        defer { if let metadata { rd_kafka_metadata_destroy(metadata) } }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError.rdkafka(.queryFailed, err, reason: "fetching metadata of '\(topic)' failed")
        }
        let topics = UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt))
        guard let entry = topics.first(where: { String(cString: $0.topic) == topic }) else {
            throw KafkaError(code: .queryFailed, reason: "metadata did not list topic '\(topic)'")
        }
        guard entry.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdkafka(.queryFailed, entry.err, reason: "topic '\(topic)' is not available")
        }
        let partitions = UnsafeBufferPointer(start: entry.partitions, count: Int(entry.partition_cnt))
        return partitions.map(\.id).sorted()
    }
}

/// A partition's watermarks (a struct rather than a tuple so it crosses the queue as `Sendable`).
struct Watermarks: Sendable {
    var low: Int64
    var high: Int64
}
