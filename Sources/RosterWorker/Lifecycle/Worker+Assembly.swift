import AsyncHTTPClient
import Foundation
import Logging
import RosterCore
import RosterKafka
import RosterPostgres
import RosterVendors
import ServiceLifecycle

// MARK: - The parts of a worker, assembled by its initialiser

extension Worker {
    /// The worker's Kafka handles made when it is assembled: a group observer for readiness and
    /// lag (it joins no group), and the dead-letter producer when `kafka.dlq_topic` is set. The
    /// ingest consumer is made when ingest starts (``DeferredIngest``).
    struct KafkaClients: Sendable {
        var observer: KafkaConsumer
        var dlqProducer: KafkaProducer?
    }

    /// What the executor side of a worker is made of (`executor.enabled`).
    struct Execution: Sendable {
        /// The executor, then reconciliation when `reconcile.enabled`.
        var services: [any Service]
        /// The vendor check run and logged at start-up.
        var doctor: VendorDoctor
        /// The one HTTP client of every vendor transport; the worker's group shuts it down.
        var httpClient: HTTPClient
    }

    /// The ingest consumer's settings, checked.
    ///
    /// - Throws: ``KafkaError`` for settings librdkafka's consumer would refuse (timeouts).
    static func consumerConfiguration(
        configuration: RosterConfiguration, workerID: String
    ) throws -> KafkaConsumerConfiguration {
        var consumer = KafkaConsumerConfiguration(
            bootstrapServers: configuration.kafka.brokers,
            groupID: configuration.kafka.group,
            topics: [configuration.kafka.topic]
        )
        consumer.sessionTimeout = .milliseconds(configuration.kafka.sessionTimeoutMs)
        consumer.clientID = "roster-\(workerID)"
        consumer.additional = configuration.kafka.properties
        try consumer.validate()
        return consumer
    }

    static func kafkaClients(
        configuration: RosterConfiguration,
        consumer: KafkaConsumerConfiguration,
        logger: Logger
    ) throws -> KafkaClients {
        var dlqProducer: KafkaProducer?
        if configuration.kafka.dlqTopic != nil {
            var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: configuration.kafka.brokers)
            producerConfiguration.additional = configuration.kafka.properties
            dlqProducer = try KafkaProducer.make(configuration: producerConfiguration, logger: logger)
        }
        var observerConfiguration = consumer
        observerConfiguration.clientID = "\(consumer.clientID)-observer"
        let observer = try KafkaConsumer.observer(configuration: observerConfiguration, logger: logger)
        return KafkaClients(observer: observer, dlqProducer: dlqProducer)
    }

    /// Ingest, with its group consumer made when it starts (after the migrations).
    static func ingest(
        configuration: RosterConfiguration,
        consumer: KafkaConsumerConfiguration,
        pool: PostgresPool,
        kafka: KafkaClients,
        health: LoopHealth,
        logger: Logger
    ) -> DeferredIngest {
        let decoder = HREventDecoder(
            maximumSize: configuration.ingest.maxMessageBytes,
            knownVendors: Set(configuration.vendors.keys)
        )
        let options = IngestService.Options(
            batchSize: configuration.ingest.batchSize,
            batchWait: .milliseconds(configuration.ingest.batchWaitMs),
            dlqTopic: configuration.kafka.dlqTopic,
            brake: configuration.brake
        )
        let producer = kafka.dlqProducer
        return DeferredIngest(consumer: consumer, logger: logger) { consumer in
            IngestService(
                consumer: consumer, pool: pool, decoder: decoder, dlqProducer: producer, options: options,
                failpoints: Failpoints(), health: health, logger: logger
            )
        }
    }

    /// The executor (and reconciliation) over governed vendors sharing one HTTP client.
    ///
    /// - Throws: ``VendorRegistry/Failure``; the HTTP client is then shut down before it returns.
    static func execution(
        configuration: RosterConfiguration, pool: PostgresPool, workerID: String, health: LoopHealth, logger: Logger
    ) throws -> Execution {
        let client = HTTPVendorTransport.makeHTTPClient()
        let vendors: [String: VendorRuntime]
        let executor: ExecutorService
        do {
            vendors = try VendorRuntime.governed(
                configuration: configuration, pool: pool, httpClient: client, logger: logger)
            executor = try Self.executor(
                configuration: configuration, pool: pool, workerID: workerID, vendors: vendors, health: health,
                logger: logger)
        } catch {
            // Without blocking: this initialiser is synchronous, and nothing used the client.
            client.shutdown { _ in }
            throw error
        }
        var services: [any Service] = [executor]
        if configuration.reconcile.enabled {
            services.append(
                ReconcileService(
                    pass: ReconcilePass(
                        configuration: configuration, pool: pool, vendors: vendors, workerID: workerID, logger: logger),
                    settings: configuration.reconcile, logger: logger
                ))
        }
        // The start-up check spends the vendors' shared budget like any other call.
        let doctor = VendorDoctor(
            configuration: configuration, environment: ProcessInfo.processInfo.environment, httpClient: client,
            transports: vendors.mapValues { $0.transport }
        )
        return Execution(services: services, doctor: doctor, httpClient: client)
    }

    static func executor(
        configuration: RosterConfiguration, pool: PostgresPool, workerID: String, vendors: [String: VendorRuntime],
        health: LoopHealth, logger: Logger
    ) throws -> ExecutorService {
        let planner = JobPlanner(configuration: configuration)
        let executor = configuration.executor
        return ExecutorService(
            pool: pool, listenerConfiguration: try PostgresConfiguration(url: configuration.database.url),
            workerID: workerID,
            planner: { event, otherAddresses in try planner.plan(for: event, otherAddresses: otherAddresses) },
            vendors: vendors,
            options: .init(
                concurrency: executor.concurrency, lease: .seconds(executor.leaseSeconds),
                pollInterval: .milliseconds(executor.pollMs)),
            failpoints: Failpoints(), health: health, logger: logger
        )
    }

    /// Migrates, waiting for Postgres while it is unreachable (a worker restarted during a database
    /// outage waits instead of exiting 1 and crash-looping; the nemesis saw one do so). Errors that
    /// waiting cannot mend (bad credentials, a failing migration) are thrown at once.
    static func migrateWhenPostgresAnswers(_ pool: PostgresPool, logger: Logger) async throws {
        var delay = Duration.milliseconds(500)
        while true {
            do {
                try await RosterSchema.migrate(pool, logger: logger)
                return
            } catch  where PostgresError.isRetryable(error) {
                logger.warning(
                    "Postgres unreachable at start-up; waiting for it",
                    metadata: ["error": "\(error)", "retry_in": "\(delay)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
