internal import CRdkafka
import Dispatch
import Logging
import Synchronization

/// A consumer-group member that reads batches and commits offsets explicitly.
///
/// ## The contract
/// The caller runs **poll → process → commit → poll**, one step at a time:
/// - Offsets move only when the caller commits (auto-commit and auto offset store are off), so a
///   message is redelivered until a commit covering it succeeds: at-least-once.
/// - Rebalance callbacks are served only inside ``poll(maxMessages:timeout:)`` and ``close()``. So
///   everything the caller received from earlier polls has been committed (or failed to commit)
///   before a revocation completes, and the new owner starts from the last commit.
/// - If partitions are revoked *while a batch is being assembled*, their messages are dropped from
///   that batch; the new owner reads them again from the last commit.
/// - Rebalances are logged and published on ``rebalanceEvents``.
/// - Call ``close()`` before dropping the consumer: it leaves the group, so the partitions move to
///   the remaining members at once instead of after ``KafkaConsumerConfiguration/sessionTimeout``.
///
/// Every blocking librdkafka call runs on the consumer's own serial `DispatchQueue` (poll, commit
/// and close, in call order) or on a second one for queries, never on the cooperative pool.
public final class KafkaConsumer: Sendable {
    enum Lifecycle { case open, closed }

    /// The configuration the consumer was made with.
    public let configuration: KafkaConsumerConfiguration
    /// Assignment changes, after librdkafka applied them. Buffers the newest 1,024 events and ends
    /// when the consumer closes. Iterate it from one task only.
    public let rebalanceEvents: AsyncStream<KafkaRebalanceEvent>

    let logger: Logger
    let handle: RDKafkaHandle
    let rebalance: RDKafkaRebalanceState
    /// Poll, commit and close, serialised in call order.
    let queue: DispatchQueue
    /// Committed offsets, watermarks and metadata: may run while a poll blocks.
    let queryQueue: DispatchQueue
    /// Set when ``close()`` starts; the poll loop checks it between waits of at most 100 ms.
    private let closeRequested = Atomic<Bool>(false)
    let lifecycle = Mutex(Lifecycle.open)

    private init(
        configuration: KafkaConsumerConfiguration, rebalanceEvents: AsyncStream<KafkaRebalanceEvent>,
        logger: Logger, handle: RDKafkaHandle, rebalance: RDKafkaRebalanceState
    ) {
        self.configuration = configuration
        self.rebalanceEvents = rebalanceEvents
        self.logger = logger
        self.handle = handle
        self.rebalance = rebalance
        self.queue = DispatchQueue(label: "roster.kafka.consumer.\(handle.name)")
        self.queryQueue = DispatchQueue(label: "roster.kafka.consumer.\(handle.name).query")
    }

    deinit {
        rebalance.finish()
        if destroyWouldAbort, lifecycle.withLock({ $0 == .open }) {
            // Never closed and never assigned: close (leave the group) off the cooperative pool,
            // then keep the handle, since destroying it would abort (librdkafka#4312). The block
            // holds the handle, so its deinit comes after.
            let handle = self.handle
            RDKafkaHandle.teardownQueue.async {
                _ = handle.withHandle { rd_kafka_consumer_close($0) }
                handle.leaveUndestroyed()
            }
        }
        // The handle's deinit then runs rd_kafka_destroy, which also closes a consumer that was
        // never closed (blocking, and it still leaves the group).
    }

    /// Validates the configuration, creates the consumer and subscribes to the topics.
    ///
    /// The group join happens in the background; the first assignment arrives during a later poll
    /// (the mock cluster holds the first join of a new group for 3 s).
    ///
    /// - Parameters:
    ///   - configuration: The consumer settings.
    ///   - logger: Receives librdkafka's log lines, errors and rebalances.
    /// - Throws: ``KafkaError`` ``KafkaError/Code/config`` before any C call for a bad configuration,
    ///   ``KafkaError/Code/unsupportedVersion`` for an old librdkafka, ``KafkaError/Code/rdkafka``
    ///   if subscribing fails.
    public static func make(configuration: KafkaConsumerConfiguration, logger: Logger) throws -> KafkaConsumer {
        try make(configuration: configuration, subscribe: true, logger: logger)
    }

    /// A consumer that never joins the group: for reading the group's committed offsets,
    /// watermarks and lag (``committed(partitions:timeout:)``, ``lag(timeout:)``) from outside,
    /// as `roster status` does, without triggering a rebalance of the members. Do not poll it.
    public static func observer(configuration: KafkaConsumerConfiguration, logger: Logger) throws -> KafkaConsumer {
        try make(configuration: configuration, subscribe: false, logger: logger)
    }

    static func make(configuration: KafkaConsumerConfiguration, subscribe: Bool, logger: Logger) throws -> KafkaConsumer
    {
        let settings = try configuration.rdkafkaSettings()
        var logger = logger
        logger[metadataKey: KafkaLoggingKeys.groupID] = "\(configuration.groupID)"
        let (events, continuation) = AsyncStream.makeStream(
            of: KafkaRebalanceEvent.self, bufferingPolicy: .bufferingNewest(1024))
        let rebalance = RDKafkaRebalanceState(logger: logger, events: continuation)
        let context = RDKafkaClientContext(logger: logger, rebalance: rebalance)
        let handle = try RDKafkaHandle.make(kind: .consumer, settings: settings, context: context)
        logger[metadataKey: KafkaLoggingKeys.client] = "\(handle.name)"

        try handle.withHandle { rk in
            // Forward the main queue (error and log events) to the consumer queue: everything is
            // then served inside rd_kafka_consumer_poll on the consumer's thread.
            let forwarded = rd_kafka_poll_set_consumer(rk)
            guard forwarded == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError.rdkafka(.rdkafka, forwarded)
            }
            guard subscribe else { return }
            let topics = RDKafkaTopicPartitionList(capacity: configuration.topics.count)
            for topic in configuration.topics {
                // Partition -1 is RD_KAFKA_PARTITION_UA: unassigned.
                topics.add(KafkaTopicPartition(topic: topic, partition: -1), offset: 0)
            }
            let subscribed = topics.withListPointer { rd_kafka_subscribe(rk, $0) }
            guard subscribed == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError.rdkafka(.rdkafka, subscribed, reason: "subscribing to \(configuration.topics) failed")
            }
        }
        if subscribe {
            logger.info(
                "consumer subscribed",
                metadata: ["kafka.topics": "\(configuration.topics.joined(separator: ","))"])
        }
        return KafkaConsumer(
            configuration: configuration, rebalanceEvents: events, logger: logger, handle: handle,
            rebalance: rebalance)
    }

    // MARK: - Polling

    /// Reads a batch of up to `maxMessages` messages, waiting at most `timeout` for the first one.
    ///
    /// Returns as soon as the batch is full, or when it holds at least one message and nothing more
    /// is immediately available, or with whatever it has (possibly nothing) when `timeout` elapses.
    /// Within a partition, messages are in offset order.
    ///
    /// Rebalances are served here. Messages of partitions revoked during this call are not in the
    /// result (see the type's contract). Task cancellation ends the wait early and returns what was
    /// read: a message taken from librdkafka is never discarded except by a revocation.
    ///
    /// - Important: Call it at least every ``KafkaConsumerConfiguration/maxPollInterval``, or the
    ///   consumer leaves the group.
    /// - Throws: ``KafkaError`` ``KafkaError/Code/closed`` after ``close()``; ``KafkaError/Code/rdkafka``
    ///   with ``KafkaError/isFatal`` when librdkafka raised a fatal error.
    public func poll(maxMessages: Int, timeout: Duration) async throws -> [KafkaMessage] {
        guard maxMessages > 0 else { throw KafkaError.config("maxMessages must be positive, not \(maxMessages)") }
        guard !closeRequested.load(ordering: .relaxed) else { throw KafkaError.closed("the consumer is closed") }
        let cancellation = PollCancellation()
        return try await withTaskCancellationHandler {
            try await onQueue(queue) {
                try self.pollBlocking(maxMessages: maxMessages, timeout: timeout, cancellation: cancellation)
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    private func pollBlocking(
        maxMessages: Int, timeout: Duration, cancellation: PollCancellation
    ) throws
        -> [KafkaMessage]
    {
        try ensureOpen()
        let clock = ContinuousClock()
        // Clamped so an "infinite" timeout cannot overflow the instant.
        let deadline = clock.now.advanced(by: min(max(timeout, .zero), .seconds(86_400)))
        var batch: [KafkaMessage] = []
        batch.reserveCapacity(min(maxMessages, 4096))
        var reader = RDKafkaMessageReader()

        try handle.withHandle { rk in
            while batch.count < maxMessages {
                var wait: Int32 = 0
                if batch.isEmpty {
                    if closeRequested.load(ordering: .relaxed) || cancellation.isCancelled { break }
                    // Block in slices so close and cancellation are noticed within 100 ms.
                    wait = min(max(deadline - clock.now, .zero).timeoutMilliseconds, 100)
                }
                let message = rd_kafka_consumer_poll(rk, wait)
                // A rebalance may have been served inside that call.
                if let revoked = rebalance.takeRevoked() {
                    dropRevoked(revoked, from: &batch)
                }
                guard let message else {
                    if !batch.isEmpty || clock.now >= deadline { break }
                    continue
                }
                defer { rd_kafka_message_destroy(message) }
                guard message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    try consumerError(rk, message)
                    continue
                }
                batch.append(reader.read(message))
            }
        }
        return batch
    }

    private func dropRevoked(_ revoked: Set<KafkaTopicPartition>, from batch: inout [KafkaMessage]) {
        let dropped = Self.drop(revoked, from: &batch)
        if dropped > 0 {
            logger.info(
                "dropped messages of revoked partitions from the batch; the new owner rereads them",
                metadata: [KafkaLoggingKeys.count: "\(dropped)"])
        }
    }

    /// Removes the messages of `revoked` partitions from `batch`, keeping the order of the rest.
    /// Returns how many were removed.
    static func drop(_ revoked: Set<KafkaTopicPartition>, from batch: inout [KafkaMessage]) -> Int {
        let before = batch.count
        batch.removeAll { revoked.contains($0.topicPartition) }
        return before - batch.count
    }

    /// A message that signals an error. Per-partition errors are logged and skipped (librdkafka
    /// keeps retrying); a fatal error ends the consumer.
    private func consumerError(_ rk: OpaquePointer, _ message: UnsafeMutablePointer<rd_kafka_message_t>) throws {
        let m = message.pointee
        let reason =
            m.payload.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: m.len), as: UTF8.self) } ?? ""
        if m.err == RD_KAFKA_RESP_ERR__FATAL {
            var errstr = [CChar](repeating: 0, count: 512)
            let original = rd_kafka_fatal_error(rk, &errstr, errstr.count)
            throw KafkaError.rdkafka(.rdkafka, original, reason: String(errorBuffer: errstr), isFatal: true)
        }
        let topic = m.rkt.flatMap { rd_kafka_topic_name($0) }.map { String(cString: $0) } ?? ""
        logger.warning(
            "consumer error",
            metadata: [
                KafkaLoggingKeys.errorCode: "\(KafkaResponseCode(rawValue: m.err.rawValue).name)",
                KafkaLoggingKeys.reason: "\(reason)",
                KafkaLoggingKeys.partitions: "\(topic)[\(m.partition)]",
            ])
    }

    // MARK: - State

    /// The partitions currently assigned to this member, as applied by the last rebalance. Does not
    /// block.
    public func assignment() -> [KafkaTopicPartition] {
        rebalance.assignment
    }

    /// Whether ``close()`` has completed.
    public var isClosed: Bool {
        lifecycle.withLock { $0 == .closed }
    }

    func ensureOpen() throws {
        guard lifecycle.withLock({ $0 == .open }) else { throw KafkaError.closed("the consumer is closed") }
    }

    // MARK: - Closing

    /// Closes the consumer gracefully: serves the final revocation through the rebalance callback,
    /// **leaves the group** (LeaveGroup) so its partitions move to other members immediately, and
    /// ends ``rebalanceEvents``. Waits for an in-flight poll or commit first (at most ~100 ms for a
    /// poll). Idempotent; later polls and commits throw ``KafkaError/Code/closed``.
    ///
    /// - Important: Commit what you processed before closing; uncommitted messages are redelivered.
    public func close() async {
        closeRequested.store(true, ordering: .relaxed)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.closeBlocking()
                continuation.resume()
            }
        }
    }

    private func closeBlocking() {
        let wasOpen = lifecycle.withLock { state in
            defer { state = .closed }
            return state == .open
        }
        guard wasOpen else { return }
        let started = ContinuousClock.now
        let err = handle.withHandle { rd_kafka_consumer_close($0) }
        rebalance.finish()
        if destroyWouldAbort {
            handle.leaveUndestroyed()
            logger.debug("closed before its first assignment: the handle is kept, not destroyed (librdkafka#4312)")
        }
        if err == RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.info(
                "consumer closed and left the group", metadata: ["kafka.duration": "\(ContinuousClock.now - started)"])
        } else {
            logger.warning(
                "consumer close reported an error",
                metadata: [KafkaLoggingKeys.errorCode: "\(KafkaResponseCode(rawValue: err.rawValue).name)"])
        }
    }
}

extension KafkaConsumer {
    /// Whether destroying this consumer's handle would abort the process: a `cooperative-sticky`
    /// consumer never assigned, on a librdkafka older than 2.2.1 (see
    /// ``RDKafkaHandle/leaveUndestroyed()``).
    var destroyWouldAbort: Bool {
        configuration.assignmentStrategy == .cooperativeSticky && !rebalance.wasEverAssigned
            && KafkaVersion.linked < KafkaVersion(major: 2, minor: 2, revision: 1)
    }
}

/// Set by the task-cancellation handler of one poll; read by the poll loop.
final class PollCancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    func cancel() { flag.store(true, ordering: .relaxed) }
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// Runs blocking work on `queue` and resumes the caller with its result. The cooperative pool only
/// waits on the continuation.
func onQueue<T: Sendable>(_ queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        queue.async {
            continuation.resume(with: Result { try body() })
        }
    }
}
