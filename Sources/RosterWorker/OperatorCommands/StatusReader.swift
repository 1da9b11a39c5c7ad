import Foundation
import Logging
import RosterCore
import RosterKafka
import RosterPostgres

/// Gathers ``StatusReport``: Postgres for jobs, limiters, breakers and dead letters; Kafka (an
/// observer that never joins the group, so it triggers no rebalance) for the group's lag.
public struct StatusReader: Sendable {
    let pool: PostgresPool
    let configuration: RosterConfiguration
    let logger: Logger

    /// Creates a reader; `configuration` names the Kafka cluster, topic and group and the vendors,
    /// and `logger` gets the Kafka observer's logs.
    public init(pool: PostgresPool, configuration: RosterConfiguration, logger: Logger) {
        self.pool = pool
        self.configuration = configuration
        self.logger = logger
    }

    /// - Parameter kafkaTimeout: how long each Kafka request may take; an unreachable cluster is
    ///   reported in ``StatusReport/Kafka/error`` and the rest of the report still printed.
    /// - Throws: ``PostgresError``.
    public func report(kafkaTimeout: Duration = .seconds(5)) async throws -> StatusReport {
        async let kafka = kafkaLag(timeout: kafkaTimeout)
        let counts = try await pool.query(
            """
            SELECT (SELECT coalesce(json_object_agg(status, n), '{}')::text FROM (SELECT status, count(*) AS n FROM jobs GROUP BY status) s) AS by_status,
                   (SELECT count(*) FROM jobs WHERE status = \(JobStatus.dead) AND updated_at > now() - interval '24 hours') AS dead_jobs,
                   (SELECT count(*) FROM dead_letters WHERE created_at > now() - interval '24 hours') AS dead_letters,
                   (SELECT count(*) FROM dead_letters WHERE status = 'new') AS dead_letters_open,
                   clock_timestamp() AS now,
                   (SELECT count(*) FROM jobs WHERE status = \(JobStatus.retrying) AND last_error LIKE \(ExecutionError.unconfiguredVendorPrefix + "%")) AS waiting
            """
        ).rows[0]
        var byStatus: [JobStatus: Int] = [:]
        if let object = try? JSONParser().parse(Array(try counts.decode(String.self, column: "by_status").utf8))
            .objectValue
        {
            for (key, value) in object {
                if let status = JobStatus(rawValue: key) { byStatus[status] = Int(value.int64Value ?? 0) }
            }
        }
        let oldest = try await pool.query(
            "SELECT id, created_at FROM jobs WHERE status = \(JobStatus.queued) ORDER BY created_at, id LIMIT 1"
        ).rows.first.map {
            (try $0.decode(Int64.self, column: "id"), try $0.decode(Timestamp.self, column: "created_at"))
        }

        let limiters = try await RateLimiterStore(pool: pool).snapshot()
        let breakers = try await CircuitBreakerStore(pool: pool).snapshot()
        let names = Set(configuration.vendors.keys).union(limiters.map(\.vendor)).union(breakers.map(\.vendor)).sorted()
        let vendors = names.map { name in
            StatusReport.Vendor(
                name: name, configured: configuration.vendors[name] != nil,
                limiters: limiters.filter { $0.vendor == name }, breaker: breakers.first { $0.vendor == name }
            )
        }
        return StatusReport(
            generatedAt: try counts.decode(Timestamp.self, column: "now"),
            kafka: await kafka, jobsByStatus: byStatus, oldestQueued: oldest, vendors: vendors,
            deadJobsLast24h: try counts.decode(Int.self, column: "dead_jobs"),
            deadLettersLast24h: try counts.decode(Int.self, column: "dead_letters"),
            deadLettersOpen: try counts.decode(Int.self, column: "dead_letters_open"),
            waitingForConfiguredWorker: try counts.decode(Int.self, column: "waiting")
        )
    }

    func kafkaLag(timeout: Duration) async -> StatusReport.Kafka {
        var result = StatusReport.Kafka(
            topic: configuration.kafka.topic, group: configuration.kafka.group, error: nil, partitions: [])
        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: configuration.kafka.brokers, groupID: configuration.kafka.group,
            topics: [configuration.kafka.topic]
        )
        consumerConfiguration.clientID = "roster-status"
        consumerConfiguration.additional = configuration.kafka.properties
        do {
            let observer = try KafkaConsumer.observer(configuration: consumerConfiguration, logger: logger)
            do {
                result.partitions = try await observer.lag(timeout: timeout)
            } catch {
                result.error = "cannot read the group's offsets from \(configuration.kafka.brokers): \(error)"
            }
            await observer.close()
        } catch {
            result.error = "\(error)"
        }
        return result
    }
}
