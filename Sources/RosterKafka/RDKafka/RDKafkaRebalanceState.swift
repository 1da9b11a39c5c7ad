internal import CRdkafka
import Logging
import Synchronization

/// A consumer's view of its assignment, kept by the rebalance callback.
///
/// librdkafka calls ``handle(_:err:partitions:)`` only from inside `rd_kafka_consumer_poll` or
/// `rd_kafka_consumer_close`, which run on the consumer's serial queue; the lock is for readers on
/// other threads (``assignment``) and keeps the type checked `Sendable`.
final class RDKafkaRebalanceState: Sendable {
    private struct State {
        var assignment: Set<KafkaTopicPartition> = []
        /// Partitions revoked since the poll loop last looked: their messages in the batch being
        /// assembled must be dropped.
        var revokedSinceLastTake: Set<KafkaTopicPartition> = []
        /// Whether an assignment (even an empty one) was ever delivered.
        var wasEverAssigned = false
    }

    private let state = Mutex(State())
    private let events: AsyncStream<KafkaRebalanceEvent>.Continuation
    private let logger: Logger

    init(logger: Logger, events: AsyncStream<KafkaRebalanceEvent>.Continuation) {
        self.logger = logger
        self.events = events
    }

    /// The partitions currently assigned, sorted.
    var assignment: [KafkaTopicPartition] {
        state.withLock { $0.assignment.sorted() }
    }

    /// Whether the group ever delivered an assignment to this consumer (by then librdkafka's
    /// assignor has its state, see ``RDKafkaHandle/leaveUndestroyed()``).
    var wasEverAssigned: Bool {
        state.withLock { $0.wasEverAssigned }
    }

    /// The partitions revoked since the last call, or `nil` if none were.
    func takeRevoked() -> Set<KafkaTopicPartition>? {
        state.withLock { state in
            guard !state.revokedSinceLastTake.isEmpty else { return nil }
            defer { state.revokedSinceLastTake = [] }
            return state.revokedSinceLastTake
        }
    }

    /// Ends ``KafkaConsumer/rebalanceEvents``.
    func finish() {
        events.finish()
    }

    // MARK: - The rebalance callback

    /// Applies a rebalance: eager (`rd_kafka_assign`) or cooperative (`rd_kafka_incremental_*`),
    /// depending on the protocol the group settled on.
    func handle(
        _ rk: OpaquePointer, err: rd_kafka_resp_err_t,
        partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
    ) {
        let protocolName = rd_kafka_rebalance_protocol(rk).map { String(cString: $0) } ?? "NONE"
        let cooperative = protocolName == "COOPERATIVE"
        let changed = partitions.map { RDKafkaTopicPartitionList.elements(of: $0).map(\.topicPartition) } ?? []
        var metadata: Logger.Metadata = [
            KafkaLoggingKeys.rebalanceProtocol: "\(protocolName)",
            KafkaLoggingKeys.partitions: "\(changed.sorted().map(\.description).joined(separator: ","))",
        ]

        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            state.withLock { $0.wasEverAssigned = true }
            if let failure = assign(rk, partitions: partitions, cooperative: cooperative) {
                metadata[KafkaLoggingKeys.errorCode] = "\(failure.rdkafkaName ?? "?")"
                logger.error("applying a partition assignment failed", metadata: metadata)
                return
            }
            state.withLock { $0.assignment.formUnion(changed) }
            logger.info("partitions assigned", metadata: metadata)
            events.yield(.assigned(changed))

        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(rk) != 0
            // Record first: the poll loop drops these partitions' messages from its batch.
            revoke(changed, all: !cooperative)
            if cooperative {
                if let error = rd_kafka_incremental_unassign(rk, partitions) {
                    let failure = KafkaError.consuming(.rdkafka, error)
                    metadata[KafkaLoggingKeys.errorCode] = "\(failure.rdkafkaName ?? "?")"
                    logger.error("incremental unassign failed", metadata: metadata)
                }
            } else {
                rd_kafka_assign(rk, nil)
            }
            logger.info(lost ? "partitions lost" : "partitions revoked", metadata: metadata)
            events.yield(lost ? .lost(changed) : .revoked(changed))

        default:
            // A rebalance error: drop the whole assignment, librdkafka rejoins.
            metadata[KafkaLoggingKeys.errorCode] = "\(KafkaResponseCode(rawValue: err.rawValue).name)"
            logger.error("rebalance failed; dropping the assignment", metadata: metadata)
            let all = assignment
            revoke(all, all: true)
            rd_kafka_assign(rk, nil)
            events.yield(.lost(all))
        }
    }

    private func assign(
        _ rk: OpaquePointer, partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, cooperative: Bool
    ) -> KafkaError? {
        if cooperative {
            return rd_kafka_incremental_assign(rk, partitions).map { KafkaError.consuming(.rdkafka, $0) }
        }
        let err = rd_kafka_assign(rk, partitions)
        return err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError.rdkafka(.rdkafka, err)
    }

    private func revoke(_ partitions: [KafkaTopicPartition], all: Bool) {
        state.withLock { state in
            let revoked = all ? state.assignment.union(partitions) : Set(partitions)
            state.revokedSinceLastTake.formUnion(revoked)
            state.assignment.subtract(revoked)
        }
    }
}
