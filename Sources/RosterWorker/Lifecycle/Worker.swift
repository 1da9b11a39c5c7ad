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

/// A `roster worker` process: its resources and services under one `ServiceGroup`, the way a
/// Hummingbird `Application` is built.
///
/// ``init(configuration:workerID:logger:registry:)`` only assembles: it checks the configuration
/// and makes handles, but nothing joins the consumer group or touches Postgres. ``run()`` runs the
/// group without signal handling, so a worker can be nested as a ``Service`` in another group
/// (`roster dev` does); ``runService(gracefulShutdownSignals:)`` adds SIGTERM and SIGINT, for the
/// `roster worker` process. Inside the group, in start order:
///
/// 1. the resources the services share: the Postgres pool, the vendors' HTTP client, the
///    dead-letter producer and the group observer (each closes when the shutdown reaches it);
/// 2. the migrations (``Prelude/Runner``, waiting while Postgres is unreachable);
/// 3. after them (``GatedService``): ops HTTP, the metrics refresher, ingest (whose consumer joins
///    the group only then), the executor, reconciliation and the start-up vendor check;
/// 4. the ``ShutdownSignal/Watcher``.
///
/// A graceful shutdown stops them in reverse order: `/readyz` says 503 first; ingest finishes and
/// commits its batch; the executor lets its calls in flight answer; ops HTTP answers until the
/// end; the resources close last, after their last user has returned.
public struct Worker: Sendable {
    /// This process's name in leases, logs and step attempts.
    public let workerID: String
    /// The metrics this worker's services record (bound as ``RosterMetrics/current`` while it runs).
    public let metrics: RosterMetrics
    /// Where the ops HTTP server listens, once it does.
    public let opsAddress: OpsHTTPService.BoundAddress
    let logger: Logger
    /// In start order; the group stops them in reverse.
    let services: [ServiceGroupConfiguration.ServiceConfiguration]
    /// The shared resources among ``services``, closed by the group's graceful shutdown, or by
    /// ``run()`` after a cancelled group has returned.
    let resources: [ClosingService]

    /// How long a graceful shutdown may take before the services are cancelled. Deployments give
    /// the process longer than this before SIGKILL (Kubernetes `terminationGracePeriodSeconds: 60`,
    /// systemd `TimeoutStopSec=60`).
    public static let shutdownTimeout: Duration = .seconds(45)

    /// Assembles a worker from its configuration. It joins no consumer group and queries nothing
    /// until ``run()``; a configuration it refuses leaves nothing open.
    ///
    /// - Parameters:
    ///   - configuration: The whole Roster configuration.
    ///   - workerID: A name unique among running workers; `nil` uses `host-pid`.
    ///   - logger: Every service's logger.
    ///   - registry: Where metrics go; `nil` uses the process registry
    ///     (``RosterMetrics/bootstrapProcessRegistry()``, which also bootstraps `MetricsSystem`).
    /// - Throws: ``KafkaError`` for an unsupported librdkafka or a refused client setting,
    ///   ``PostgresError`` for a bad database URL, ``ListenAddress/Invalid``, or
    ///   ``VendorRegistry/Failure`` for missing vendor keys.
    public init(
        configuration: RosterConfiguration,
        workerID: String? = nil,
        logger: Logger,
        registry: PrometheusCollectorRegistry? = nil
    ) throws {
        try KafkaVersion.check()
        let registry = registry ?? RosterMetrics.bootstrapProcessRegistry()
        let metrics = RosterMetrics(registry: registry)
        let id = workerID ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
        // What can refuse the configuration comes first, so that a refusal leaves nothing open.
        let consumerConfiguration = try Self.consumerConfiguration(configuration: configuration, workerID: id)
        let listen = try ListenAddress(configuration.http.listen)
        let pool = try PostgresPool(
            configuration: PostgresConfiguration(url: configuration.database.url),
            size: configuration.database.poolSize,
            acquireTimeout: .seconds(30),
            logger: logger
        )
        let health = LoopHealth()
        let execution =
            configuration.executor.enabled
            ? try Self.execution(configuration: configuration, pool: pool, workerID: id, health: health, logger: logger)
            : nil
        let kafka: KafkaClients
        do {
            kafka = try Self.kafkaClients(configuration: configuration, consumer: consumerConfiguration, logger: logger)
        } catch {
            // Without blocking (this initialiser is synchronous); nothing used the client yet.
            execution?.httpClient.shutdown { _ in }
            throw error
        }

        let shutdown = ShutdownSignal()
        let opsAddress = OpsHTTPService.BoundAddress()
        let ops = OpsHTTPService(
            listen: listen,
            registry: registry,
            readiness: ReadinessCheck(
                pool: pool, kafka: kafka.observer, topic: configuration.kafka.topic, health: health),
            logger: logger,
            address: opsAddress,
            shutdown: shutdown
        )
        let refresher = MetricsRefresher(
            pool: pool,
            vendors: Array(configuration.vendors.keys),
            observer: kafka.observer,
            interval: .milliseconds(configuration.http.metricsRefreshMs),
            metrics: metrics,
            logger: logger
        )
        let ingest = Self.ingest(
            configuration: configuration, consumer: consumerConfiguration, pool: pool, kafka: kafka, health: health,
            logger: logger
        )
        metrics.registerIngest()
        for vendor in configuration.vendors.keys { metrics.registerVendor(vendor) }

        var resources = [ClosingService("the Postgres pool") { pool.close() }]
        var work: [any Service] = [ops, refresher, ingest]
        if let execution {
            resources.append(ClosingService("the vendors' HTTP client") { try? await execution.httpClient.shutdown() })
            work += execution.services
        }
        if let producer = kafka.dlqProducer {
            resources.append(ClosingService("the dead-letter producer") { await producer.close() })
        }
        let observer = kafka.observer
        resources.append(ClosingService("the group observer") { await observer.close() })

        let migrations = Prelude {
            try await Self.migrateWhenPostgresAnswers(pool, logger: logger)
            logger.info("worker started", metadata: ["worker": "\(id)"])
        }
        let vendorCheck = execution.map { StartupVendorCheck(doctor: $0.doctor, logger: logger) }
        self.services =
            (resources + [migrations.runner] as [any Service]).map {
                .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup)
            }
            + work.map {
                .init(
                    service: GatedService(prelude: migrations, service: $0),
                    successTerminationBehavior: .gracefullyShutdownGroup)
            }
            + (vendorCheck.map {
                [.init(service: GatedService(prelude: migrations, service: $0), successTerminationBehavior: .ignore)]
            } ?? [])
            // Last, so the group tells it first: /readyz says 503 from the start of the shutdown.
            + [
                .init(
                    service: ShutdownSignal.Watcher(signal: shutdown),
                    successTerminationBehavior: .gracefullyShutdownGroup)
            ]
        self.resources = resources
        self.workerID = id
        self.metrics = metrics
        self.opsAddress = opsAddress
        self.logger = logger
    }

    /// Runs the worker's group until it has shut down, without handling signals: the enclosing
    /// group's graceful shutdown (or ``runService(gracefulShutdownSignals:)``'s signals) stops it.
    ///
    /// - Throws: The first error a service threw, e.g. a migration that waiting cannot mend.
    public func run() async throws {
        var configuration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [],
            cancellationSignals: [],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = Self.shutdownTimeout
        let group = ServiceGroup(configuration: configuration)
        var failure: (any Error)?
        do {
            try await RosterMetrics.$current.withValue(metrics) {
                try await group.run()
            }
        } catch {
            failure = error
        }
        // Every service has returned: what a cancelled group left open closes now, last first.
        for resource in resources.reversed() { await resource.close() }
        // A worker whose ops server never started (a failed prelude) stops those waiting for it.
        opsAddress.finish()
        if let failure { throw failure }
        logger.info("worker stopped", metadata: ["worker": "\(workerID)"])
    }

    /// Runs the worker as the process's top-level service: `gracefulShutdownSignals` begin its
    /// graceful shutdown (the ingest service finishes and commits its batch, then the group stops).
    public func runService(gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: self, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: gracefulShutdownSignals, cancellationSignals: [], logger: logger
            ))
        try await group.run()
    }
}

/// A worker runs as a service too (`roster dev` nests it in its own group): its group then shuts
/// down when the enclosing one does.
extension Worker: Service {}
