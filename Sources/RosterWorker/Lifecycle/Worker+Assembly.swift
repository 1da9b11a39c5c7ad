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
    /// The worker's Kafka handles: the ingest consumer, a group observer for readiness and lag,
    /// and the dead-letter producer when `kafka.dlq_topic` is set.
    struct KafkaClients: Sendable {
        var consumer: KafkaConsumer
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

    static func kafkaClients(
        configuration: RosterConfiguration, workerID: String, logger: Logger
    ) throws -> KafkaClients {
        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: configuration.kafka.brokers, groupID: configuration.kafka.group,
            topics: [configuration.kafka.topic]
        )
        consumerConfiguration.sessionTimeout = .milliseconds(configuration.kafka.sessionTimeoutMs)
        consumerConfiguration.clientID = "roster-\(workerID)"
        consumerConfiguration.additional = configuration.kafka.properties
        let consumer = try KafkaConsumer.make(configuration: consumerConfiguration, logger: logger)

        var observerConfiguration = consumerConfiguration
        observerConfiguration.clientID = "roster-\(workerID)-observer"
        let observer = try KafkaConsumer.observer(configuration: observerConfiguration, logger: logger)

        var dlqProducer: KafkaProducer?
        if configuration.kafka.dlqTopic != nil {
            var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: configuration.kafka.brokers)
            producerConfiguration.additional = configuration.kafka.properties
            dlqProducer = try KafkaProducer.make(configuration: producerConfiguration, logger: logger)
        }
        return KafkaClients(consumer: consumer, observer: observer, dlqProducer: dlqProducer)
    }

    static func ingest(
        configuration: RosterConfiguration, pool: PostgresPool, kafka: KafkaClients, health: LoopHealth, logger: Logger
    ) -> IngestService {
        IngestService(
            consumer: kafka.consumer, pool: pool,
            decoder: HREventDecoder(
                maximumSize: configuration.ingest.maxMessageBytes, knownVendors: Set(configuration.vendors.keys)),
            dlqProducer: kafka.dlqProducer,
            options: .init(
                batchSize: configuration.ingest.batchSize, batchWait: .milliseconds(configuration.ingest.batchWaitMs),
                dlqTopic: configuration.kafka.dlqTopic, brake: configuration.brake
            ),
            failpoints: Failpoints(), health: health, logger: logger
        )
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
