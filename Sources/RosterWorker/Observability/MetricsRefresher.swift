import Foundation
import Logging
import RosterCore
import RosterKafka
import RosterPostgres
import ServiceLifecycle

/// Refreshes the gauges that describe shared state rather than this process's work, every
/// `interval`: jobs by state and type, the jobs held by the mass-offboarding brake, the age of the oldest runnable job, dead letters by
/// status, each configured vendor's circuit breaker and rate budget (configured and learned),
/// and the consumer group's lag per partition.
///
/// Every worker reports the same shared figures; dashboards take `max` over instances.
public struct MetricsRefresher: Service {
    let pool: PostgresPool
    let vendors: [String]
    let observer: KafkaConsumer?
    let interval: Duration
    let metrics: RosterMetrics
    let logger: Logger

    /// Creates a refresher; nothing is read before ``run()`` or ``refresh()``.
    ///
    /// - Parameters:
    ///   - pool: Where jobs, dead letters, breakers, budgets and findings are counted.
    ///   - vendors: The configured vendor instance names: each gets its series, zero included.
    ///   - observer: A group observer for the consumer lag; `nil` skips the lag gauge.
    ///   - interval: The pause between refreshes (`http.metrics_refresh_ms`).
    ///   - metrics: Where the gauges are recorded.
    ///   - logger: Where failures are logged, at debug.
    public init(
        pool: PostgresPool, vendors: [String], observer: KafkaConsumer?, interval: Duration, metrics: RosterMetrics,
        logger: Logger
    ) {
        self.pool = pool
        self.vendors = vendors.sorted()
        self.observer = observer
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
    }

    /// Refreshes at once, then every `interval` until graceful shutdown; never throws.
    public func run() async throws {
        while !Task.isShuttingDownGracefullyOrCancelled {
            await refresh()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One refresh; failures are logged (at debug: `/readyz` reports outages) and counted.
    public func refresh() async {
        do {
            try await refreshJobs()
            try await refreshBreakers()
            try await refreshBudgets()
            try await refreshReconciliation()
        } catch {
            metrics.refreshFailed()
            logger.debug("metrics refresh from Postgres failed", metadata: ["error": "\(error)"])
        }
        do {
            try await refreshLag()
        } catch {
            metrics.refreshFailed()
            logger.debug("consumer lag refresh failed", metadata: ["error": "\(error)"])
        }
    }

    private func refreshJobs() async throws {
        let rows = try await pool.query(
            """
            SELECT status, type, count(*)::int8 FROM jobs GROUP BY 1, 2
            UNION ALL
            SELECT 'oldest', '', coalesce(extract(epoch FROM now() - min(run_after))::int8, 0)
            FROM jobs WHERE status IN (\(JobStatus.queued), \(JobStatus.retrying)) AND run_after <= now()
            UNION ALL
            SELECT 'dead_letter:' || status, '', count(*)::int8 FROM dead_letters GROUP BY status
            """
        ).rows
        var counts: [String: [String: Int64]] = [:]
        var deadLetters: [String: Int64] = [:]
        var oldest: Int64 = 0
        for row in rows {
            let (status, type, value) = try row.decode((String, String, Int64).self)
            if status == "oldest" {
                oldest = value
            } else if status.hasPrefix("dead_letter:") {
                deadLetters[String(status.dropFirst("dead_letter:".count))] = value
            } else {
                counts[status, default: [:]][type] = value
            }
        }
        for state in JobStatus.allCases.map(\.rawValue) {
            for type in HREvent.Kind.allCases.map(\.shortName) {
                metrics.gauge(
                    RosterMetrics.Name.jobs, [("state", state), ("type", type)],
                    value: Double(counts[state]?[type] ?? 0))
            }
        }
        let held = counts[JobStatus.held.rawValue]?.values.reduce(0, +) ?? 0
        metrics.gauge(RosterMetrics.Name.heldJobs, value: Double(held))
        metrics.gauge(RosterMetrics.Name.oldestQueuedJobAge, value: Double(max(0, oldest)))
        for status in ["new", "replayed", "discarded"] {
            metrics.gauge(RosterMetrics.Name.deadLetters, [("status", status)], value: Double(deadLetters[status] ?? 0))
        }
    }

    private func refreshBreakers() async throws {
        let snapshots = try await CircuitBreakerStore(pool: pool).snapshot()
        for vendor in vendors {
            let state = snapshots.first { $0.vendor == vendor }?.state ?? .closed
            for candidate in [CircuitBreaker.State.closed, .halfOpen, .open] {
                metrics.gauge(
                    RosterMetrics.Name.breakerState, [("vendor", vendor), ("state", candidate.rawValue)],
                    value: candidate == state ? 1 : 0
                )
            }
        }
    }

    /// Each configured vendor's budget, configured and in use, once its row exists (a worker
    /// creates it on the vendor's first call).
    private func refreshBudgets() async throws {
        let snapshots = try await RateLimiterStore(pool: pool).snapshot()
        for vendor in vendors {
            guard let first = snapshots.first(where: { $0.vendor == vendor && $0.isFirstWindow }) else { continue }
            metrics.gauge(
                RosterMetrics.Name.rateBudget, [("vendor", vendor), ("source", "configured")],
                value: first.configuredRequestsPerSecond)
            metrics.gauge(
                RosterMetrics.Name.rateBudget, [("vendor", vendor), ("source", "learned")],
                value: first.requestsPerSecond)
        }
    }

    /// Open findings and verification results, every combination set (zero when none) so that a
    /// resolved finding's series falls back to 0.
    private func refreshReconciliation() async throws {
        var findings: [String: Double] = [:]
        for row in try await pool.query(
            "SELECT vendor, situation, residual, count(*)::int8 AS n FROM reconcile_findings WHERE resolved_at IS NULL GROUP BY 1, 2, 3"
        ).rows {
            findings[
                "\(try row.decode(String.self, column: "vendor"))/\(try row.decode(String.self, column: "situation"))/\(try row.decode(Bool.self, column: "residual"))"
            ] =
                Double(try row.decode(Int64.self, column: "n"))
        }
        var verifications: [String: Double] = [:]
        for row in try await pool.query(
            "SELECT vendor, coalesce(result, 'pending') AS result, count(*)::int8 AS n FROM verifications GROUP BY 1, 2"
        ).rows {
            verifications[
                "\(try row.decode(String.self, column: "vendor"))/\(try row.decode(String.self, column: "result"))"] =
                Double(try row.decode(Int64.self, column: "n"))
        }
        for vendor in vendors {
            for situation in Situation.allCases {
                for residual in situation == .leaverHasAccess ? [false, true] : [false] {
                    metrics.gauge(
                        RosterMetrics.Name.reconcileFindings,
                        [("vendor", vendor), ("situation", situation.rawValue), ("residual", String(residual))],
                        value: findings["\(vendor)/\(situation.rawValue)/\(residual)"] ?? 0
                    )
                }
            }
            for result in ["pending", "absent", "access_found", "residual", "rehired"] {
                metrics.gauge(
                    RosterMetrics.Name.verifications, [("vendor", vendor), ("result", result)],
                    value: verifications["\(vendor)/\(result)"] ?? 0)
            }
        }
    }

    private func refreshLag() async throws {
        guard let observer else { return }
        let observer_ = observer
        guard let lags = try await withDeadline(.seconds(10), { try await observer_.lag(timeout: .seconds(3)) }) else {
            throw LagTimeout()
        }
        for lag in lags {
            // Nothing committed yet: everything retained is behind.
            let behind = max(0, lag.high - (lag.committed ?? lag.low))
            metrics.gauge(RosterMetrics.Name.consumerLag, [("partition", String(lag.partition))], value: Double(behind))
        }
    }
}

/// The consumer lag query did not answer in time.
struct LagTimeout: Error, CustomStringConvertible {
    var description: String { "the consumer lag query did not answer within 10 s" }
}
