import AsyncHTTPClient
import Foundation
import Logging
import Prometheus
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
    /// The vendor check run (and logged) at start-up, without waiting for it; `nil` without an executor.
    let doctor: VendorDoctor?
    let observer: KafkaConsumer?
    let logger: Logger
    /// The metrics this worker's services record (bound as ``RosterMetrics/current`` while it runs).
    public let metrics: RosterMetrics
    /// Where the ops HTTP server listens, once it does.
    public let opsAddress: OpsHTTPService.BoundAddress

    /// How long a graceful shutdown may take before the services are cancelled. Deployments give
    /// the process longer than this before SIGKILL (Kubernetes `terminationGracePeriodSeconds: 60`,
    /// systemd `TimeoutStopSec=60`).
    public static let shutdownTimeout: Duration = .seconds(45)

    /// Builds a worker: migrates the database, then assembles ops HTTP, the metrics refresher,
    /// ingest and (when enabled) the executor.
    ///
    /// - Parameters:
    ///   - registry: Where metrics go; `nil` uses the process registry
    ///     (``RosterMetrics/bootstrapProcessRegistry()``, which also bootstraps `MetricsSystem`).
    public static func make(configuration: RosterConfiguration, workerID: String?, logger: Logger, registry: PrometheusCollectorRegistry? = nil) async throws -> Worker {
        try KafkaVersion.check()
        let registry = registry ?? RosterMetrics.bootstrapProcessRegistry()
        let metrics = RosterMetrics(registry: registry)
        let id = workerID ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
        let pool = try PostgresPool(
            configuration: PostgresConfiguration(url: configuration.database.url),
            size: configuration.database.poolSize, acquireTimeout: .seconds(30), logger: logger
        )
        try await migrateWhenPostgresAnswers(pool, logger: logger)
        let health = LoopHealth()

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
            options: .init(batchSize: configuration.ingest.batchSize, batchWait: .milliseconds(configuration.ingest.batchWaitMs), dlqTopic: configuration.kafka.dlqTopic, brake: configuration.brake),
            failpoints: Failpoints(), health: health, logger: logger
        )
        var observerConfiguration = consumerConfiguration
        observerConfiguration.clientID = "roster-\(id)-observer"
        let observer = try KafkaConsumer.observer(configuration: observerConfiguration, logger: logger)
        let opsAddress = OpsHTTPService.BoundAddress()
        let shutdown = ShutdownSignal()
        let ops = try OpsHTTPService(
            listen: configuration.http.listen, registry: registry,
            readiness: ReadinessCheck(pool: pool, kafka: observer, topic: configuration.kafka.topic, health: health),
            logger: logger, address: opsAddress, shutdown: shutdown
        )
        let refresher = MetricsRefresher(
            pool: pool, vendors: Array(configuration.vendors.keys), observer: observer,
            interval: .milliseconds(configuration.http.metricsRefreshMs), metrics: metrics, logger: logger
        )
        metrics.registerIngest()
        for vendor in configuration.vendors.keys { metrics.registerVendor(vendor) }
        // Shut down in reverse: the executor first, ops HTTP last (it answers until the end).
        var services: [any Service] = [ops, refresher, ingest]
        var httpClient: HTTPClient?
        var doctor: VendorDoctor?
        if configuration.executor.enabled {
            let client = HTTPVendorTransport.makeHTTPClient()
            httpClient = client
            do {
                let vendors = try makeVendors(configuration: configuration, pool: pool, httpClient: client, logger: logger)
                services.append(try makeExecutor(configuration: configuration, pool: pool, workerID: id, vendors: vendors, health: health, logger: logger))
                if configuration.reconcile.enabled {
                    services.append(ReconcileService(
                        pass: ReconcilePass(configuration: configuration, pool: pool, vendors: vendors, workerID: id, logger: logger),
                        settings: configuration.reconcile, logger: logger
                    ))
                }
                let governed = vendors.mapValues { $0.transport }
                // The start-up check spends the vendors' shared budget like any other call.
                doctor = VendorDoctor(
                    configuration: configuration, environment: ProcessInfo.processInfo.environment, httpClient: client,
                    transports: governed
                )
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
        // Last, so the group tells it first: /readyz says 503 from the start of the shutdown.
        services.append(ShutdownSignal.Watcher(signal: shutdown))
        return Worker(
            workerID: id, pool: pool, services: services, httpClient: httpClient,
            doctor: doctor,
            observer: observer, logger: logger,
            metrics: metrics, opsAddress: opsAddress
        )
    }

    /// One governed transport per vendor instance, with its connector: every call passes the
    /// vendor's shared circuit breaker and GCRA budget in Postgres. The executor and the
    /// reconciliation service of a process share them, and with them each connector's directory.
    static func makeVendors(
        configuration: RosterConfiguration, pool: PostgresPool, httpClient: HTTPClient, logger: Logger
    ) throws -> [String: VendorRuntime] {
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
                configuration: .init(
                    vendor: name, limiterKey: instance.limiterKey, budget: instance.budget, learning: instance.learning
                ),
                limiter: limiter, breakers: breakers, logger: logger
            )
            vendors[name] = VendorRuntime(name: name, connector: instance.connector, transport: governed, retry: instance.retry)
        }
        return vendors
    }

    /// The executor over `vendors` (``makeVendors(configuration:pool:httpClient:logger:)``).
    static func makeExecutor(
        configuration: RosterConfiguration, pool: PostgresPool, workerID: String, vendors: [String: VendorRuntime], health: LoopHealth? = nil, logger: Logger
    ) throws -> ExecutorService {
        let planner = JobPlanner(configuration: configuration)
        let executor = configuration.executor
        let executorService = ExecutorService(
            pool: pool, listenerConfiguration: try PostgresConfiguration(url: configuration.database.url), workerID: workerID,
            planner: { event, otherAddresses in try planner.plan(for: event, otherAddresses: otherAddresses) }, vendors: vendors,
            options: .init(concurrency: executor.concurrency, lease: .seconds(executor.leaseSeconds), pollInterval: .milliseconds(executor.pollMs)),
            failpoints: Failpoints(), health: health, logger: logger
        )
        return executorService
    }

    public func run() async throws {
        var configuration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = Self.shutdownTimeout
        let group = ServiceGroup(configuration: configuration)
        logger.info("worker started", metadata: ["worker": "\(workerID)"])
        defer { pool.close() }
        // Keys, roles and budgets of every vendor, logged once; the worker does not wait for it
        // (it starts when a vendor is unreachable too).
        let check = doctor.map { doctor in
            // Inside the metrics binding, so the governed calls are counted like any other.
            RosterMetrics.$current.withValue(metrics) {
                Task { [logger = self.logger] in
                    let report = await doctor.run()
                    guard !Task.isCancelled else { return }
                    VendorDoctor.log(report, to: logger)
                }
            }
        }
        do {
            try await RosterMetrics.$current.withValue(metrics) {
                try await group.run()
            }
        } catch {
            check?.cancel()
            await check?.value
            await observer?.close()
            try? await httpClient?.shutdown()
            throw error
        }
        check?.cancel()
        await check?.value
        await observer?.close()
        // Only now: every task that could use a vendor transport has finished.
        try? await httpClient?.shutdown()
        logger.info("worker stopped", metadata: ["worker": "\(workerID)"])
    }
}

/// A worker runs as a service too (`roster dev` nests it in its own group): its group then also
/// shuts down when the enclosing one does.
extension Worker: Service {
    /// Migrates, waiting for Postgres while it is unreachable (a worker restarted during a database
    /// outage waits instead of exiting 1 and crash-looping; the nemesis saw one do so). Errors that
    /// waiting cannot mend (bad credentials, a failing migration) are thrown at once.
    static func migrateWhenPostgresAnswers(_ pool: PostgresPool, logger: Logger) async throws {
        var delay = Duration.milliseconds(500)
        while true {
            do {
                try await RosterSchema.migrate(pool, logger: logger)
                return
            } catch where PostgresError.isRetryable(error) {
                logger.warning("Postgres unreachable at start-up; waiting for it", metadata: ["error": "\(error)", "retry_in": "\(delay)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
