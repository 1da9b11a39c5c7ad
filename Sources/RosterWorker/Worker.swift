import AsyncHTTPClient
import Foundation
import Logging
import RosterCore
import RosterKafka
import RosterPostgres
import RosterVendors
import ServiceLifecycle
import UnixSignals

/// A `roster worker` process: its services under one `ServiceGroup` with graceful shutdown on
/// SIGTERM and SIGINT (the ingest service finishes and commits its batch, then leaves the group).
public struct Worker: Sendable {
    public let workerID: String
    let pool: PostgresPool
    let services: [any Service]
    let httpClient: HTTPClient?
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
        var services: [any Service] = [ingest]
        var httpClient: HTTPClient?
        if configuration.executor.enabled {
            let client = HTTPVendorTransport.makeHTTPClient()
            httpClient = client
            do {
                services.append(try makeExecutor(configuration: configuration, pool: pool, workerID: id, httpClient: client, logger: logger))
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
        return Worker(workerID: id, pool: pool, services: services, httpClient: httpClient, logger: logger)
    }

    /// The executor with one governed transport per vendor instance: every call passes the
    /// vendor's shared circuit breaker and GCRA budget in Postgres.
    static func makeExecutor(configuration: RosterConfiguration, pool: PostgresPool, workerID: String, httpClient: HTTPClient, logger: Logger) throws -> ExecutorService {
        let registry = try VendorRegistry(configuration: configuration, environment: ProcessInfo.processInfo.environment, httpClient: httpClient)
        var policies: [String: CircuitBreakerStore.Policy] = [:]
        for name in registry.names {
            guard let instance = registry[name] else { continue }
            policies[name] = CircuitBreakerStore.Policy(failureThreshold: instance.breaker.failureThreshold, openDuration: instance.breaker.openDuration)
        }
        let limiter = RateLimiterStore(pool: pool)
        let breakers = CircuitBreakerStore(pool: pool, policies: policies)
        var vendors: [String: VendorRuntime] = [:]
        for name in registry.names {
            guard let instance = registry[name] else { continue }
            let governed = GovernedTransport(
                base: instance.baseTransport,
                configuration: .init(vendor: name, limiterKey: instance.limiterKey, rate: instance.rate),
                limiter: limiter, breakers: breakers, logger: logger
            )
            vendors[name] = VendorRuntime(name: name, connector: instance.connector, transport: governed, retry: instance.retry)
        }
        let planner = JobPlanner(configuration: configuration)
        let executor = configuration.executor
        return ExecutorService(
            pool: pool, listenerConfiguration: try PostgresConfiguration(url: configuration.database.url), workerID: workerID,
            planner: { event in try planner.plan(for: event) }, vendors: vendors,
            options: .init(concurrency: executor.concurrency, lease: .seconds(executor.leaseSeconds), pollInterval: .milliseconds(executor.pollMs)),
            failpoints: Failpoints(), logger: logger
        )
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
        do {
            try await group.run()
        } catch {
            try? await httpClient?.shutdown()
            throw error
        }
        // Only now: every task that could use a vendor transport has finished.
        try? await httpClient?.shutdown()
        logger.info("worker stopped", metadata: ["worker": "\(workerID)"])
    }
}
