import Foundation
import Logging
import RosterCore
import RosterKafka
import RosterPostgres
import ServiceLifecycle

/// Consumes HR events and turns them into jobs: poll a batch, record it in ONE Postgres
/// transaction, and only then commit the batch's offsets.
///
/// - Postgres down: nothing is committed; the same batch is retried with backoff until it is
///   recorded (or the process is asked to stop), and the process does not exit.
/// - A failed Kafka commit is logged and survived: redelivery is absorbed by the event id.
/// - Graceful shutdown finishes the batch in hand, commits it, and leaves the consumer group.
public struct IngestService: Service {
    /// Ingest's tuning, from the configuration's `ingest:`, `kafka:` and `brake:` sections.
    public struct Options: Sendable {
        /// The most messages one poll, and so one Postgres transaction, takes (`ingest.batch_size`).
        public var batchSize: Int
        /// The longest one poll waits for messages (`ingest.batch_wait_ms`).
        public var batchWait: Duration
        /// The full-jitter backoff's first ceiling when a batch cannot be recorded; it doubles per attempt.
        public var retryBase: Duration
        /// The most the backoff between attempts to record a batch grows to.
        public var retryCap: Duration
        /// The Kafka topic that gets a copy of each dead-lettered message (`kafka.dlq_topic`); `nil`:
        /// the `dead_letters` table only.
        public var dlqTopic: String?
        /// The mass-offboarding brake new offboardings pass (``OffboardingBrakeGate``).
        public var brake: RosterConfiguration.Brake

        /// Options with the defaults: 1000 messages, 200 ms wait, backoff from 100 ms to 5 s, no
        /// dead-letter topic, the default brake.
        public init(
            batchSize: Int = 1000, batchWait: Duration = .milliseconds(200), retryBase: Duration = .milliseconds(100),
            retryCap: Duration = .seconds(5),
            dlqTopic: String? = nil, brake: RosterConfiguration.Brake = .init()
        ) {
            self.batchSize = batchSize
            self.batchWait = batchWait
            self.retryBase = retryBase
            self.retryCap = retryCap
            self.dlqTopic = dlqTopic
            self.brake = brake
        }
    }

    let consumer: KafkaConsumer
    let store: IngestStore
    let decoder: HREventDecoder
    let dlqProducer: KafkaProducer?
    let options: Options
    let failpoints: Failpoints
    let health: LoopHealth?
    let logger: Logger

    /// Creates the ingest loop; nothing is polled before ``run()``.
    ///
    /// - Parameters:
    ///   - consumer: The group consumer of the HR events topic; ``run()`` closes it.
    ///   - pool: Where batches are recorded (events, jobs, dead letters).
    ///   - decoder: Validates each message; a rejected one is dead-lettered, never retried.
    ///   - dlqProducer: Copies dead letters to ``Options/dlqTopic``; `nil` when there is none.
    ///   - options: Batch size and wait, retry backoff, dead-letter topic and brake.
    ///   - failpoints: The crash points tests arm.
    ///   - health: Told of poll successes and failures, for `/readyz`.
    ///   - logger: Ingest's logger.
    public init(
        consumer: KafkaConsumer, pool: PostgresPool, decoder: HREventDecoder, dlqProducer: KafkaProducer?,
        options: Options,
        failpoints: Failpoints = .disabled, health: LoopHealth? = nil, logger: Logger
    ) {
        self.health = health
        self.consumer = consumer
        self.store = IngestStore(pool: pool, failpoints: failpoints, brake: options.brake)
        self.decoder = decoder
        self.dlqProducer = dlqProducer
        self.options = options
        self.failpoints = failpoints
        self.logger = logger
    }

    /// Polls, records and commits batches until graceful shutdown or cancellation, then closes the
    /// consumer. Poll, Postgres and commit failures are logged and retried, never thrown.
    public func run() async throws {
        logger.info("ingest started")
        // Offsets whose commit failed (a rebalance in progress, a coordinator away): committed
        // again with the next batch or, when the partitions stay idle, at the next empty poll, so
        // the group's committed offsets catch up without waiting for new traffic.
        var uncommitted: [KafkaTopicPartition: Int64] = [:]
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let messages: [KafkaMessage]
            do {
                messages = try await consumer.poll(maxMessages: options.batchSize, timeout: options.batchWait)
                health?.pollSucceeded()
            } catch {
                health?.pollFailed("\(error)", fatal: (error as? KafkaError)?.isFatal ?? false)
                logger.warning("kafka poll failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            guard !messages.isEmpty else {
                if !uncommitted.isEmpty { uncommitted = await commit(uncommitted, retrying: true) }
                continue
            }
            logger.debug("batch polled", metadata: ["messages": "\(messages.count)"])
            failpoints.hit(.afterPoll)
            let batch = await IngestBatch.decodeConcurrently(messages: messages, decoder: decoder)
            if batch.withoutEmployeeKey > 0 {
                // Once per batch, counts only: keys and employee ids are personal data.
                RosterMetrics.current.eventsWithoutEmployeeKey(batch.withoutEmployeeKey)
                logger.warning(
                    "events without their employee id as Kafka key; they are ordered by arrival at Roster, not by partition",
                    metadata: ["count": "\(batch.withoutEmployeeKey)", "messages": "\(messages.count)"]
                )
            }
            guard let outcome = await recordUntilDurable(batch) else { break }
            failpoints.hit(.afterDatabaseCommit)
            RosterMetrics.current.batchRecorded(
                inserted: outcome.inserted, redelivered: outcome.redelivered, deadLettered: outcome.deadLettered)
            if outcome.jobsHeld > 0 {
                RosterMetrics.current.offboardingBrakeTripped(held: outcome.jobsHeld)
                // Counts and the brake's sentence only: no employee id.
                logger.warning(
                    "mass-offboarding brake: offboardings held for an operator (roster holds list)",
                    metadata: ["held": "\(outcome.jobsHeld)", "reason": "\(outcome.holdReason ?? "")"]
                )
            }
            logger.debug(
                "batch recorded",
                metadata: [
                    "messages": "\(messages.count)", "inserted": "\(outcome.inserted)",
                    "redelivered": "\(outcome.redelivered)",
                    "dead_lettered": "\(outcome.deadLettered)", "superseded": "\(outcome.superseded)",
                ]
            )
            await produceDeadLetters(batch)
            let retrying = !uncommitted.isEmpty
            for message in messages {
                uncommitted[message.topicPartition] = max(uncommitted[message.topicPartition] ?? 0, message.offset + 1)
            }
            uncommitted = await commit(uncommitted, retrying: retrying)
        }
        await consumer.close()
        logger.info("ingest stopped")
    }

    /// Commits `offsets` (next offsets to read) for the partitions still assigned and returns
    /// what is left to commit: nothing on success, the same offsets when the commit failed.
    /// Partitions no longer assigned are dropped: their new owner commits them. A failure is a
    /// warning the first time and a debug line while `retrying` (an idle worker retries every poll).
    private func commit(_ offsets: [KafkaTopicPartition: Int64], retrying: Bool) async -> [KafkaTopicPartition: Int64] {
        let assigned = Set(consumer.assignment())
        let owned = offsets.filter { assigned.contains($0.key) }
        guard !owned.isEmpty else { return [:] }
        do {
            try await consumer.commit(offsets: owned.map { KafkaTopicPartitionOffset($0.key, offset: $0.value) })
            logger.debug("offsets committed", metadata: ["partitions": "\(owned.count)"])
            return [:]
        } catch {
            // Harmless: the batch is durable in Postgres and a redelivery is absorbed by the event id.
            logger.log(
                level: retrying ? .debug : .warning, "kafka offset commit failed; continuing",
                metadata: ["error": "\(error)"])
            return owned
        }
    }

    /// Records the batch, retrying while Postgres is unreachable. `nil` when asked to stop first.
    func recordUntilDurable(_ batch: IngestBatch) async -> IngestStore.Outcome? {
        var attempt = 0
        while true {
            do {
                return try await store.record(batch)
            } catch {
                if let refusal = Self.dataRefusal(error) {
                    // Postgres refuses something in this batch that validation let through. Isolate it
                    // message by message so one bad message cannot block the partition.
                    logger.error(
                        "batch refused by Postgres; recording message by message", metadata: ["error": "\(refusal)"])
                    if let outcome = await recordOneByOne(batch) { return outcome }
                } else {
                    logger.warning(
                        "could not record batch; will retry", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                }
            }
            if Task.isShuttingDownGracefully || Task.isCancelled { return nil }
            attempt += 1
            let delay = Backoff.fullJitter(attempt: attempt, base: options.retryBase, cap: options.retryCap)
            do { try await Task.sleep(for: delay) } catch { return nil }
        }
    }

    private func recordOneByOne(_ batch: IngestBatch) async -> IngestStore.Outcome? {
        var total = IngestStore.Outcome()
        for message in batch.messages {
            let single = IngestBatch(messages: [message], decoder: decoder)
            do {
                let outcome = try await store.record(single)
                total.inserted += outcome.inserted
                total.redelivered += outcome.redelivered
                total.deadLettered += outcome.deadLettered
                total.superseded += outcome.superseded
                total.jobsHeld += outcome.jobsHeld
                total.holdReason = total.holdReason ?? outcome.holdReason
            } catch {
                guard let refusal = Self.dataRefusal(error) else { return nil }
                do {
                    try await store.recordUnstorable(message, error: refusal)
                    total.deadLettered += 1
                } catch {
                    return nil
                }
            }
        }
        return total
    }

    /// The Postgres error when Postgres refused the data itself: SQLSTATE class 22 (data
    /// exception) or 23 (integrity constraint violation). Retrying the same message would fail the
    /// same way, so only these may dead-letter a message. Everything else — a statement or lock
    /// timeout (57014, 55P03), out of memory (53200), an I/O error (58030), a connection lost, a
    /// serialization failure — says nothing about the message: the batch is retried with backoff
    /// and its offsets are never committed past it.
    static func dataRefusal(_ error: any Error) -> PostgresError? {
        guard let postgres = PostgresError.underlying(error), let state = postgres.sqlState,
            state.classCode == "22" || state.classCode == "23"
        else { return nil }
        return postgres
    }

    private func produceDeadLetters(_ batch: IngestBatch) async {
        guard let producer = dlqProducer, let topic = options.dlqTopic, !batch.rejected.isEmpty else { return }
        let records = batch.rejected.map { rejected in
            let m = rejected.message
            return KafkaProducerRecord(
                topic: topic, key: m.key, value: m.value,
                headers: m.headers + [
                    KafkaHeader(key: "roster.dlq.reason", value: Data(rejected.rejection.description.utf8)),
                    KafkaHeader(key: "roster.dlq.code", value: Data(rejected.rejection.code.description.utf8)),
                    KafkaHeader(key: "roster.dlq.original.topic", value: Data(m.topic.utf8)),
                    KafkaHeader(key: "roster.dlq.original.partition", value: Data(String(m.partition).utf8)),
                    KafkaHeader(key: "roster.dlq.original.offset", value: Data(String(m.offset).utf8)),
                ]
            )
        }
        do {
            let failed = try await producer.send(records).count { if case .failure = $0 { true } else { false } }
            if failed > 0 {
                logger.warning(
                    "some dead letters did not reach the dead-letter topic",
                    metadata: ["failed": "\(failed)", "count": "\(records.count)"])
            }
        } catch {
            // The dead_letters table is the source of truth; the topic is a convenience copy.
            logger.warning(
                "could not produce to the dead-letter topic",
                metadata: ["error": "\(error)", "count": "\(records.count)"])
        }
    }
}
