internal import CRdkafka
import Dispatch
import Logging
import Synchronization

/// Sends records and reports where the broker stored them.
///
/// ``send(_:)-(KafkaProducerRecord)`` awaits one delivery report; ``send(_:)-([KafkaProducerRecord])``
/// enqueues a whole batch first and then awaits all reports (the fast path for `roster publish`).
/// librdkafka batches, retries and, with idempotence on, keeps per-partition order across retries.
///
/// A dedicated thread serves `rd_kafka_poll` for delivery reports for the producer's whole life.
///
/// - Note: librdkafka 2.0.2 learns a topic's metadata on its 1-second timer when the first
///   message for that topic is sent more than a moment after ``make(configuration:logger:)``, so
///   the first send to each topic can take up to ~1 s. Later sends are not affected.
/// Call ``close(timeout:)`` to deliver what is queued before dropping the producer.
public final class KafkaProducer: Sendable {
    /// The configuration the producer was made with.
    public let configuration: KafkaProducerConfiguration

    let logger: Logger
    let handle: RDKafkaHandle
    private let poller: RDKafkaPollThread
    /// For the blocking `rd_kafka_flush`.
    private let queue: DispatchQueue
    private let closed = Atomic<Bool>(false)

    private init(configuration: KafkaProducerConfiguration, logger: Logger, handle: RDKafkaHandle) {
        self.configuration = configuration
        self.logger = logger
        self.handle = handle
        self.poller = RDKafkaPollThread(handle: handle)
        self.queue = DispatchQueue(label: "roster.kafka.producer.\(handle.name)")
    }

    deinit {
        // Off the cooperative pool: stopping the poll thread and the final flush block briefly.
        let (poller, handle) = (self.poller, self.handle)
        RDKafkaHandle.teardownQueue.async {
            poller.stop()
            // Nothing can be awaiting a report (every `send` holds a reference to the producer),
            // but messages may still be queued: purge them so their tickets are released, not leaked.
            handle.withHandle { rk in
                if rd_kafka_outq_len(rk) > 0 {
                    rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
                    _ = rd_kafka_flush(rk, 100)
                }
            }
        }
    }

    /// Validates the configuration and creates the producer. Connecting happens in the background.
    ///
    /// - Throws: ``KafkaError`` ``KafkaError/Code/config`` before any C call for a bad configuration,
    ///   ``KafkaError/Code/unsupportedVersion`` for an old librdkafka.
    public static func make(configuration: KafkaProducerConfiguration, logger: Logger) throws -> KafkaProducer {
        let settings = try configuration.rdkafkaSettings()
        let context = RDKafkaClientContext(logger: logger)
        let handle = try RDKafkaHandle.make(kind: .producer, settings: settings, context: context)
        var logger = logger
        logger[metadataKey: KafkaLoggingKeys.client] = "\(handle.name)"
        return KafkaProducer(configuration: configuration, logger: logger, handle: handle)
    }

    // MARK: - Sending

    /// Sends one record and waits for its delivery report.
    ///
    /// Cancelling the task does not recall an enqueued message: the call still waits for its report,
    /// which arrives within ``KafkaProducerConfiguration/messageTimeout``.
    ///
    /// - Returns: Where the broker stored the message.
    /// - Throws: ``KafkaError`` ``KafkaError/Code/timedOut`` when the message was not delivered
    ///   within ``KafkaProducerConfiguration/messageTimeout`` (for example, no broker reachable);
    ///   ``KafkaError/Code/deliveryFailed`` when the broker rejected it;
    ///   ``KafkaError/Code/produceFailed`` when it could not be enqueued (unknown partition, too
    ///   large); ``KafkaError/Code/closed`` after ``close(timeout:)``.
    public func send(_ record: KafkaProducerRecord) async throws -> KafkaDeliveryReport {
        try await send([record])[0].get()
    }

    /// Enqueues every record, then waits for all delivery reports.
    ///
    /// When librdkafka's local queue is full the call waits for reports to drain it and retries,
    /// for up to ``KafkaProducerConfiguration/messageTimeout`` per record.
    ///
    /// - Returns: One outcome per record, in order: a report or the record's ``KafkaError``
    ///   (see ``send(_:)-(KafkaProducerRecord)``).
    /// - Throws: ``KafkaError`` ``KafkaError/Code/closed`` after ``close(timeout:)``.
    public func send(_ records: [KafkaProducerRecord]) async throws -> [Result<KafkaDeliveryReport, KafkaError>] {
        guard !closed.load(ordering: .relaxed) else { throw KafkaError.closed("the producer is closed") }
        guard !records.isEmpty else { return [] }
        let batch = RDKafkaDeliveryBatch(count: records.count)
        for (index, record) in records.enumerated() {
            await enqueue(record, ticket: RDKafkaDeliveryTicket(batch: batch, index: index))
        }
        return await batch.outcomes()
    }

    private func enqueue(_ record: KafkaProducerRecord, ticket: RDKafkaDeliveryTicket) async {
        let clock = ContinuousClock()
        var giveUp: ContinuousClock.Instant?
        while true {
            guard !closed.load(ordering: .relaxed) else {
                ticket.batch.complete(
                    ticket.index, with: .failure(KafkaError.closed("the producer closed during the send")))
                return
            }
            guard let error = handle.withHandle({ rk in RDKafkaProduce.produce(rk, record, ticket: ticket) }) else {
                return  // Enqueued: the delivery report completes the ticket.
            }
            if error.responseCode == .queueFull, !Task.isCancelled {
                // The poll thread keeps serving delivery reports, which frees queue space.
                let deadline = giveUp ?? clock.now.advanced(by: configuration.messageTimeout)
                giveUp = deadline
                if clock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(1))
                    continue
                }
            }
            ticket.batch.complete(ticket.index, with: .failure(error))
            return
        }
    }

    // MARK: - Flushing and closing

    /// Waits until every enqueued message has its delivery report, or `timeout` elapses.
    ///
    /// - Throws: ``KafkaError`` ``KafkaError/Code/timedOut`` if messages are still outstanding.
    public func flush(timeout: Duration) async throws {
        try await onQueue(queue) {
            try self.handle.withHandle { rk in
                let err = rd_kafka_flush(rk, timeout.timeoutMilliseconds)
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw KafkaError.rdkafka(
                        .timedOut, err,
                        reason: "\(rd_kafka_outq_len(rk)) message(s) or request(s) still outstanding after \(timeout)")
                }
            }
        }
    }

    /// Stops accepting sends, delivers what is queued within `timeout`, and fails the rest (their
    /// senders get ``KafkaError/Code/deliveryFailed`` with a purge code). Idempotent: later calls
    /// return at once.
    public func close(timeout: Duration = .seconds(10)) async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        do {
            try await flush(timeout: timeout)
            logger.info("producer closed; every message was delivered or reported")
        } catch {
            logger.warning(
                "producer closed with messages outstanding; purging them",
                metadata: [KafkaLoggingKeys.reason: "\(error)"])
            _ = try? await onQueue(queue) {
                self.handle.withHandle { rk in
                    rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
                    // Serve the purge reports so every sender is answered.
                    _ = rd_kafka_flush(rk, 1000)
                }
            }
        }
    }
}
