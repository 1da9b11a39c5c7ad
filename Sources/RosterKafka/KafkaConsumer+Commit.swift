internal import CRdkafka
import Logging

extension KafkaConsumer {
    /// Synchronously commits, per partition, the highest offset among `messages` + 1.
    ///
    /// Call it after the messages' effects are durable (the Postgres transaction committed). An
    /// empty array is a no-op.
    ///
    /// - Throws: ``KafkaError`` ``KafkaError/Code/commitFailed`` when the group coordinator did not
    ///   take the commit. ``KafkaError/isRetryable`` is `true` for transient causes (coordinator
    ///   moving or loading, request timeout, rebalance in progress, lost connection). Either way
    ///   the caller should **log and carry on**: the uncommitted messages are redelivered (to this
    ///   member or to the partition's next owner), and the next successful commit covers them.
    ///   ``KafkaError/Code/closed`` after ``close()``.
    public func commit(_ messages: [KafkaMessage]) async throws {
        guard !messages.isEmpty else { return }
        try await commit(offsets: Self.nextOffsets(after: messages))
    }

    /// Synchronously commits the given offsets, each being the **next offset to read** (last
    /// processed + 1), the form ``committed(partitions:timeout:)`` returns. If a partition appears
    /// more than once, its highest offset is committed.
    ///
    /// - Throws: See ``commit(_:)``; ``KafkaError/Code/config`` for a negative offset.
    public func commit(offsets: [KafkaTopicPartitionOffset]) async throws {
        guard !offsets.isEmpty else { return }
        var highest: [KafkaTopicPartition: Int64] = [:]
        for entry in offsets {
            guard entry.offset >= 0 else { throw KafkaError.config("cannot commit negative offset \(entry)") }
            highest[entry.topicPartition] = max(highest[entry.topicPartition] ?? 0, entry.offset)
        }
        let merged = highest.map { KafkaTopicPartitionOffset($0.key, offset: $0.value) }.sorted {
            $0.topicPartition < $1.topicPartition
        }
        // On the poll queue: a commit issued before a poll completes before that poll can serve a
        // revocation.
        try await onQueue(queue) { try self.commitBlocking(merged) }
    }

    /// The next offset to read for each partition among `messages`: its highest offset + 1.
    static func nextOffsets(after messages: [KafkaMessage]) -> [KafkaTopicPartitionOffset] {
        var highest: [KafkaTopicPartition: Int64] = [:]
        var current: (partition: KafkaTopicPartition, offset: Int64)?
        // Batches come in runs of one partition: fold each run before touching the dictionary.
        for message in messages {
            if let run = current, run.partition.partition == message.partition, run.partition.topic == message.topic {
                current = (run.partition, max(run.offset, message.offset))
                continue
            }
            if let run = current { highest[run.partition] = max(highest[run.partition] ?? .min, run.offset) }
            current = (message.topicPartition, message.offset)
        }
        if let run = current { highest[run.partition] = max(highest[run.partition] ?? .min, run.offset) }
        // The committed offset is the offset of the next message to read: last processed + 1.
        return highest.map { KafkaTopicPartitionOffset($0.key, offset: $0.value + 1) }
    }

    private func commitBlocking(_ offsets: [KafkaTopicPartitionOffset]) throws {
        try ensureOpen()
        let list = RDKafkaTopicPartitionList(offsets)
        // async = 0: wait for the coordinator's answer (librdkafka retries some errors itself).
        let err = handle.withHandle { rk in list.withListPointer { rd_kafka_commit(rk, $0, 0) } }
        let partitionError = list.elements.first { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }
        let description = offsets.map(\.description).joined(separator: ",")
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, partitionError == nil else {
            let code = err != RD_KAFKA_RESP_ERR_NO_ERROR ? err : partitionError!.error
            let error = KafkaError.rdkafka(
                .commitFailed, code,
                reason:
                    "committing \(offsets.count) partition offset(s) failed: \(String(cString: rd_kafka_err2str(code)))"
            )
            logger.warning(
                "offset commit failed; the messages will be redelivered",
                metadata: [
                    KafkaLoggingKeys.errorCode: "\(error.rdkafkaName ?? "?")",
                    KafkaLoggingKeys.partitions: "\(description)",
                    "kafka.retryable": "\(error.isRetryable)",
                ])
            throw error
        }
        logger.debug("offsets committed", metadata: [KafkaLoggingKeys.partitions: "\(description)"])
    }
}
