import Foundation
import Logging
import Prometheus
import RosterCore
import RosterKafka
import RosterPostgres
import RosterTesting
import ServiceLifecycle
import Testing

@testable import RosterWorker

/// The ops HTTP server in process, over a private Prometheus registry (no global bootstrap):
/// `/healthz`, `/readyz` against a real Postgres and the mock Kafka cluster, `/metrics`.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct OpsHTTPTests {
    static let logger = Logger(label: "test.ops")

    /// Runs an ops server on a free port for `body`, then shuts it down.
    static func withOpsServer(
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), readiness: ReadinessCheck?,
        _ body: (Int) async throws -> Void
    ) async throws {
        let service = try OpsHTTPService(
            listen: "127.0.0.1:0", registry: registry, readiness: readiness, logger: logger)
        let group = ServiceGroup(services: [service], logger: logger)
        let running = Task { try await group.run() }
        guard let port = await service.address.port() else {
            Issue.record("the ops server did not start")
            return
        }
        do {
            try await body(port)
        } catch {
            await group.triggerGracefulShutdown()
            _ = await running.result
            throw error
        }
        await group.triggerGracefulShutdown()
        try await running.value
    }

    static func pool(_ url: String) throws -> PostgresPool {
        try PostgresPool(
            configuration: PostgresConfiguration(url: url), size: 2, acquireTimeout: .seconds(2), logger: logger)
    }

    static func readyz(_ port: Int) async throws -> (status: Int, checks: [String: String], body: String) {
        let (status, body) = try await httpGet("http://127.0.0.1:\(port)/readyz")
        let json = try JSONParser().parse(Array(body.utf8))
        var checks: [String: String] = [:]
        for (key, value) in json["checks"]?.objectValue ?? [:] { checks[key] = value.stringValue }
        #expect(json["status"]?.stringValue == (status == 200 ? "ready" : "not_ready"), "\(body)")
        return (status, checks, body)
    }

    @Test func healthzAndReadyzAreOKWhenPostgresKafkaAndMigrationsAre() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let pool = try Self.pool(url)
            defer { pool.close() }
            try await RosterSchema.migrate(pool, logger: Self.logger)
            let cluster = try KafkaTestCluster(label: "ops")
            let topic = try cluster.makeTopic(partitions: 3)
            let observer = try KafkaConsumer.observer(
                configuration: cluster.consumerConfiguration(topic: topic, group: cluster.groupName()),
                logger: Self.logger)
            try await Self.withOpsServer(readiness: ReadinessCheck(pool: pool, kafka: observer, topic: topic)) { port in
                let health = try await httpGet("http://127.0.0.1:\(port)/healthz")
                #expect(health.status == 200)
                #expect(health.body == "ok\n")
                let ready = try await Self.readyz(port)
                #expect(ready.status == 200, "\(ready.body)")
                #expect(ready.checks == ["postgres": "ok", "migrations": "ok", "kafka": "ok"])
                #expect(try await httpGet("http://127.0.0.1:\(port)/nothing-here").status == 404)
            }
            await observer.close()
        }
    }

    @Test func readyzIs503WithAReasonWhenMigrationsAreMissing() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let pool = try Self.pool(url)
            defer { pool.close() }
            try await Self.withOpsServer(readiness: ReadinessCheck(pool: pool, kafka: nil, topic: "unused")) { port in
                let ready = try await Self.readyz(port)
                #expect(ready.status == 503)
                #expect(ready.checks["postgres"] == "ok")
                #expect(ready.checks["migrations"]?.contains("no migrations") == true, "\(ready.body)")
                #expect(ready.checks["migrations"]?.contains("run roster migrate") == true, "\(ready.body)")
                // /healthz only says the process is alive.
                #expect(try await httpGet("http://127.0.0.1:\(port)/healthz").status == 200)
            }
            // Partly migrated: still not ready, and says which version it has.
            try await Migrator(migrations: Array(RosterSchema.migrations.prefix(1))).migrate(pool)
            try await Self.withOpsServer(readiness: ReadinessCheck(pool: pool, kafka: nil, topic: "unused")) { port in
                let ready = try await Self.readyz(port)
                #expect(ready.status == 503)
                #expect(ready.checks["migrations"]?.contains("version 1") == true, "\(ready.body)")
            }
        }
    }

    @Test func readyzIs503WhilePostgresIsStoppedAnd200AfterItIsBack() async throws {
        try await TestDatabase.withFreshDatabase(exclusive: true) { url in
            let pool = try Self.pool(url)
            defer { pool.close() }
            try await RosterSchema.migrate(pool, logger: Self.logger)
            let readiness = ReadinessCheck(pool: pool, kafka: nil, topic: "unused", timeout: .seconds(2))
            try await Self.withOpsServer(readiness: readiness) { port in
                #expect(try await Self.readyz(port).status == 200)
                try await TestDatabase.crashServer()
                do {
                    let started = ContinuousClock.now
                    let ready = try await Self.readyz(port)
                    #expect(ready.status == 503, "\(ready.body)")
                    #expect(ready.checks["postgres"] != "ok", "\(ready.body)")
                    // The probe's deadline is 2 s; the bound only catches a probe that hangs on the dead
                    // server, generous because a saturated machine can stall any request for seconds.
                    #expect(ContinuousClock.now - started < .seconds(30), "the probe answers within its deadline")
                    #expect(
                        try await httpGet("http://127.0.0.1:\(port)/healthz").status == 200,
                        "liveness does not depend on Postgres")
                } catch {
                    try await TestDatabase.startServer()
                    throw error
                }
                try await TestDatabase.startServer()
                var status = 0
                for _ in 0..<40 where status != 200 {
                    status = try await Self.readyz(port).status
                    if status != 200 { try await Task.sleep(for: .milliseconds(250)) }
                }
                #expect(status == 200, "ready again once Postgres is back")
            }
        }
    }

    @Test func readyzIs503WhenKafkaIsUnreachable() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let pool = try Self.pool(url)
            defer { pool.close() }
            try await RosterSchema.migrate(pool, logger: Self.logger)
            var configuration = KafkaConsumerConfiguration(
                bootstrapServers: "127.0.0.1:1", groupID: "nobody", topics: ["hr.events"])
            configuration.additional = ["reconnect.backoff.max.ms": "200"]
            let observer = try KafkaConsumer.observer(configuration: configuration, logger: Self.logger)
            let readiness = ReadinessCheck(pool: pool, kafka: observer, topic: "hr.events", timeout: .seconds(1))
            try await Self.withOpsServer(readiness: readiness) { port in
                let ready = try await Self.readyz(port)
                #expect(ready.status == 503)
                #expect(ready.checks["postgres"] == "ok")
                #expect(ready.checks["kafka"] != "ok" && ready.checks["kafka"] != nil, "\(ready.body)")
            }
            await observer.close()
        }
    }

    @Test func metricsIsPrometheusTextWithOnlyAllowedLabels() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = RosterMetrics(registry: registry)
        metrics.registerIngest()
        metrics.registerVendor("openai")
        metrics.batchRecorded(inserted: 3, redelivered: 1, deadLettered: 2)
        metrics.jobRun(type: .offboarding, status: "succeeded")
        metrics.stepFinished(vendor: "openai", status: "succeeded", started: Date(timeIntervalSinceNow: -0.2))
        metrics.vendorResponse(vendor: "openai", status: "429")
        metrics.vendorResponse(vendor: "openai", status: "200")
        metrics.limiterWaited(vendor: "openai", wait: .milliseconds(30))
        metrics.offboardingSucceeded(eventTime: Timestamp(secondsSince1970: Date().timeIntervalSince1970 - 90))
        // The task-local is what the services use.
        RosterMetrics.$current.withValue(metrics) { RosterMetrics.current.breakerRejected(vendor: "openai") }
        try await Self.withOpsServer(registry: registry, readiness: nil) { port in
            let (status, body) = try await httpGet("http://127.0.0.1:\(port)/metrics")
            #expect(status == 200)
            let text = try PrometheusText(body)
            #expect(text.values("roster_events_ingested_total") == [3])
            #expect(text.values("roster_events_dead_lettered_total") == [2])
            #expect(text.values("roster_vendor_throttled_total", where: ["vendor": "openai"]) == [1])
            #expect(text.values("roster_vendor_responses_total", where: ["vendor": "openai", "status": "429"]) == [1])
            #expect(text.values("roster_circuit_breaker_rejected_total", where: ["vendor": "openai"]) == [1])
            #expect(text.values("roster_job_runs_total", where: ["type": "offboarding", "status": "succeeded"]) == [1])
            #expect(text.types["roster_step_duration_seconds"] == "histogram")
            #expect(
                text.values("roster_step_duration_seconds_count", where: ["vendor": "openai", "status": "succeeded"])
                    == [1])
            #expect(text.values("roster_time_to_revoke_seconds_bucket", where: ["le": "60.0"]) == [0])
            #expect(text.values("roster_time_to_revoke_seconds_bucket", where: ["le": "120.0"]) == [1])
            #expect(
                text.values("roster_rate_limiter_wait_seconds_bucket", where: ["vendor": "openai", "le": "0.05"]) == [1]
            )
            for sample in text.samples {
                #expect(
                    Set(sample.labels.keys).isSubset(of: [
                        "vendor", "status", "type", "state", "source", "partition", "le",
                    ]), "\(sample)")
            }
        }
    }

    @Test func listenAddressesParse() throws {
        let v4 = try ListenAddress("127.0.0.1:9464")
        #expect(v4.host == "127.0.0.1" && v4.port == 9464)
        let v6 = try ListenAddress("[::1]:0")
        #expect(v6.host == "::1" && v6.port == 0)
        #expect(try ListenAddress(":9464").host == "0.0.0.0")
        #expect(throws: ListenAddress.Invalid.self) { try ListenAddress("localhost") }
        #expect(throws: ListenAddress.Invalid.self) { try ListenAddress("localhost:99999") }
    }
}
