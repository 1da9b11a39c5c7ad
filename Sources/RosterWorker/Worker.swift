import Foundation
import Logging
import RosterCore
import RosterKafka
import RosterPostgres
import ServiceLifecycle
import UnixSignals

/// A `roster worker` process: its services under one `ServiceGroup` with graceful shutdown on
/// SIGTERM and SIGINT (the ingest service finishes and commits its batch, then leaves the group).
public struct Worker: Sendable {
    public let workerID: String
    let pool: PostgresPool
    let services: [any Service]
    let logger: Logger

    public static func make(configuration: RosterConfiguration, workerID: String?, logger: Logger) async throws -> Worker {
        try KafkaVersion.check()
        let id = workerID ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
        let pool = try PostgresPool(
            configuration: PostgresConfiguration(url: configuration.database.url),
            size: configuration.database.poolSize, acquireTimeout: .seconds(30), logger: logger
        )
        try await RosterSchema.migrate(pool, logger: logger)

        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: configuration.kafka.brokers, groupID: configuration.kafka.group, topics: [configuration.kafka.topic]
        )
        consumerConfiguration.sessionTimeout = .milliseconds(configuration.kafka.sessionTimeoutMs)
        consumerConfiguration.clientID = "roster-\(id)"
        consumerConfiguration.additional = configuration.kafka.properties
        let consumer = try KafkaConsumer.make(configuration: consumerConfiguration, logger: logger)

        var dlqProducer: KafkaProducer?
        if configuration.kafka.dlqTopic != nil {
            var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: configuration.kafka.brokers)
            producerConfiguration.additional = configuration.kafka.properties
            dlqProducer = try KafkaProducer.make(configuration: producerConfiguration, logger: logger)
        }
        let ingest = IngestService(
            consumer: consumer, pool: pool,
            decoder: HREventDecoder(maximumSize: configuration.ingest.maxMessageBytes, knownVendors: Set(configuration.vendors.keys)),
            dlqProducer: dlqProducer,
            options: .init(batchSize: configuration.ingest.batchSize, batchWait: .milliseconds(configuration.ingest.batchWaitMs), dlqTopic: configuration.kafka.dlqTopic),
            failpoints: Failpoints(), logger: logger
        )
        return Worker(workerID: id, pool: pool, services: [ingest], logger: logger)
    }

    public func run() async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger
            )
        )
        logger.info("worker started", metadata: ["worker": "\(workerID)"])
        defer { pool.close() }
        try await group.run()
        logger.info("worker stopped", metadata: ["worker": "\(workerID)"])
    }
}
