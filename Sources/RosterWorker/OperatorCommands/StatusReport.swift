import Foundation
import RosterCore
import RosterKafka

/// What `roster status` prints: consumer lag, jobs by state, the oldest queued job, each vendor's
/// limiter and breaker, and the last 24 hours' dead jobs and dead letters.
public struct StatusReport: Sendable {
    /// The consumer group's lag on the HR topic, read by an observer that never joins the group.
    public struct Kafka: Sendable {
        /// The HR events topic (`kafka.topic`).
        public var topic: String
        /// The workers' consumer group (`kafka.group`).
        public var group: String
        /// `nil` when Kafka answered; otherwise why not (the rest of the report still stands).
        public var error: String?
        /// The lag per partition; empty when ``error`` is set.
        public var partitions: [KafkaPartitionLag]
        /// Messages not yet committed, over every partition; `0` when ``error`` is set.
        public var totalLag: Int64 { partitions.reduce(0) { $0 + $1.lag } }
    }

    /// One vendor instance's shared rate budget and circuit breaker, as stored in Postgres.
    public struct Vendor: Sendable {
        /// The vendor instance, by its configured name.
        public var name: String
        /// Whether the configuration has this instance; `false` for rows left by a removed one.
        public var configured: Bool
        /// Its stored rate budgets, one per window; empty when none is stored yet.
        public var limiters: [RateLimiterStore.Snapshot]
        /// Its circuit breaker; `nil` until it first records a failure (closed).
        public var breaker: CircuitBreakerStore.Snapshot?
    }

    /// When the report was read, by the database clock; ages are measured from it.
    public var generatedAt: Timestamp
    /// The consumer lag, or why it could not be read.
    public var kafka: Kafka
    /// How many jobs are in each status; a status with no jobs may be absent (read it as 0).
    public var jobsByStatus: [JobStatus: Int]
    /// The oldest job in `queued`: id and creation time.
    public var oldestQueued: (id: Int64, createdAt: Timestamp)?
    /// Every configured vendor and every one with a stored budget or breaker, by name.
    public var vendors: [Vendor]
    /// Jobs in `dead` whose last change was in the last 24 hours.
    public var deadJobsLast24h: Int
    /// Dead letters recorded in the last 24 hours, whatever became of them.
    public var deadLettersLast24h: Int
    /// Dead letters not yet replayed or discarded, of any age.
    public var deadLettersOpen: Int
    /// Jobs released because their plan names a vendor the worker that claimed them lacks (a
    /// rolling deploy): they wait for a worker configured with it.
    public var waitingForConfiguredWorker: Int = 0

    /// How long the oldest queued job has waited, at ``generatedAt``; `nil` when none is queued.
    public var oldestQueuedAge: Duration? { oldestQueued.map { generatedAt.duration(since: $0.createdAt) } }

    /// The `roster status --output json` document (README, "Operating Roster").
    public var json: JSONValue {
        let kafkaJSON: JSONValue = .object([
            "topic": .string(kafka.topic),
            "group": .string(kafka.group),
            "reachable": .bool(kafka.error == nil),
            "error": .text(kafka.error),
            "total_lag": kafka.error == nil ? .int(kafka.totalLag) : .null,
            "partitions": .array(
                kafka.partitions.map { p in
                    .object([
                        "topic": .string(p.topic), "partition": .int(p.partition), "committed": .int(p.committed),
                        "low": .int(p.low), "high": .int(p.high), "lag": .int(p.lag),
                    ])
                }),
        ])
        var byStatus: [String: JSONValue] = [:]
        for status in JobStatus.allCases { byStatus[status.rawValue] = .int(jobsByStatus[status] ?? 0) }
        let vendorsJSON: JSONValue = .array(
            vendors.map { v in
                .object([
                    "vendor": .string(v.name),
                    "configured": .bool(v.configured),
                    "limiters": .array(
                        v.limiters.map { l in
                            .object([
                                "key": .string(l.key),
                                "requests_per_second": .seconds(
                                    1 / max(Double(l.rate.emissionInterval.microseconds) / 1e6, 1e-6)),
                                "configured_requests_per_second": .seconds(l.configuredRequestsPerSecond),
                                "maximum_requests_per_second": .seconds(l.maximumRequestsPerSecond),
                                "advertised_requests_per_second": l.advertisedPerSecond.map { .seconds($0) } ?? .null,
                                "advertised_at": .time(l.advertisedAt),
                                "learned": .bool(l.isLearned),
                                "burst": .int(l.rate.burst),
                                "backlog_seconds": .seconds(Double(l.backlog.microseconds) / 1e6),
                                "paused_until": l.isPaused ? .time(l.pausedUntil) : .null,
                                "throttled_total": .int(l.throttledTotal),
                            ])
                        }),
                    "breaker": .object([
                        "state": .string(v.breaker?.state.rawValue ?? "closed"),
                        "consecutive_failures": .int(v.breaker?.consecutiveFailures ?? 0),
                        "retry_at": .time(v.breaker?.retryAt),
                        "opened_total": .int(v.breaker?.openedTotal ?? 0),
                    ]),
                ])
            })
        return .object([
            "generated_at": .time(generatedAt),
            "kafka": kafkaJSON,
            "jobs": .object([
                "by_status": .object(byStatus),
                "oldest_queued": oldestQueued.map { q in
                    .object([
                        "job_id": .int(q.id), "created_at": .time(q.createdAt),
                        "age_seconds": .seconds(Double(generatedAt.duration(since: q.createdAt).microseconds) / 1e6),
                    ])
                } ?? .null,
            ]),
            "vendors": vendorsJSON,
            "last_24h": .object(["dead_jobs": .int(deadJobsLast24h), "dead_letters": .int(deadLettersLast24h)]),
            "dead_letters_open": .int(deadLettersOpen),
            "jobs_waiting_for_a_configured_worker": .int(waitingForConfiguredWorker),
        ])
    }

    /// The table form of `roster status`: Kafka lag, jobs, vendors and the last 24 hours.
    public func rendered(colour: Bool) -> String {
        var out = "Kafka \(kafka.topic), group \(kafka.group)\n"
        if let error = kafka.error {
            out += "  " + Terminal.status("unreachable", raw: "failed", colour) + ": \(error)\n"
        } else {
            var table = TextTable(["PARTITION", "COMMITTED", "END", "LAG"], colour: colour)
            for p in kafka.partitions {
                table.append([
                    "\(p.topic)[\(p.partition)]", p.committed.map(String.init) ?? "-", String(p.high), String(p.lag),
                ])
            }
            out += JobRendering.indent(table.rendered) + "  total lag \(kafka.totalLag)\n"
        }
        out += "\nJobs\n"
        var jobs = TextTable(["STATUS", "COUNT"], colour: colour)
        for status in JobStatus.allCases { jobs.append([status.rawValue, String(jobsByStatus[status] ?? 0)]) }
        out += JobRendering.indent(jobs.rendered)
        if let q = oldestQueued, let age = oldestQueuedAge {
            out += "  oldest queued: job \(q.id), waiting \(Self.describe(age))\n"
        } else {
            out += "  oldest queued: none\n"
        }
        if let held = jobsByStatus[.held], held > 0 {
            out +=
                "  " + Terminal.status("held", raw: "held", colour)
                + " by the mass-offboarding brake: \(held) offboarding\(held == 1 ? "" : "s") waiting for a person (roster holds list)\n"
        }
        if waitingForConfiguredWorker > 0 {
            out +=
                "  waiting for a worker configured with their vendor: \(waitingForConfiguredWorker) (see roster jobs list --status retrying)\n"
        }
        out += "\nVendors\n"
        var vendorTable = TextTable(
            [
                "VENDOR", "BREAKER", "FAILURES", "RETRY AT", "RATE/S CONFIGURED", "LEARNED", "LIMITER BACKLOG",
                "PAUSED UNTIL", "429s",
            ], colour: colour)
        for v in vendors {
            let backlog = v.limiters.map(\.backlog).max()
            let paused = v.limiters.compactMap { $0.isPaused ? $0.pausedUntil : nil }.max()
            let first = v.limiters.first(where: \.isFirstWindow)
            vendorTable.append([
                v.name + (v.configured ? "" : " (not configured)"), v.breaker?.state.rawValue ?? "closed",
                String(v.breaker?.consecutiveFailures ?? 0), v.breaker?.retryAt.map(JobRendering.short) ?? "-",
                first.map { DoctorReport.rate($0.configuredRequestsPerSecond) } ?? "-",
                first.map(Self.learned) ?? "-",
                backlog.map(Self.describe) ?? "-", paused.map(JobRendering.short) ?? "-",
                String(v.limiters.reduce(0) { $0 + $1.throttledTotal }),
            ])
        }
        out += vendors.isEmpty ? "  none configured\n" : JobRendering.indent(vendorTable.rendered)
        out +=
            "\nLast 24 h: \(deadJobsLast24h) dead job\(deadJobsLast24h == 1 ? "" : "s"), \(deadLettersLast24h) dead letter\(deadLettersLast24h == 1 ? "" : "s")"
        out += " (\(deadLettersOpen) dead letter\(deadLettersOpen == 1 ? "" : "s") awaiting replay in all)\n"
        return out
    }

    /// The rate in use when learned (`2 (advertised 2, max 20)`), else `-`.
    static func learned(_ limiter: RateLimiterStore.Snapshot) -> String {
        guard limiter.isLearned || limiter.advertisedPerSecond != nil else { return "-" }
        let advertised = limiter.advertisedPerSecond.map { "advertised \(DoctorReport.rate($0)), " } ?? ""
        return
            "\(DoctorReport.rate(limiter.requestsPerSecond)) (\(advertised)max \(DoctorReport.rate(limiter.maximumRequestsPerSecond)))"
    }

    static func describe(_ duration: Duration) -> String {
        let seconds = Double(duration.microseconds) / 1e6
        if seconds < 1 { return "\(Int(seconds * 1000)) ms" }
        if seconds < 120 { return "\(Int(seconds)) s" }
        if seconds < 7200 { return "\(Int(seconds / 60)) min" }
        if seconds < 172_800 { return "\(Int(seconds / 3600)) h" }
        return "\(Int(seconds / 86_400)) d"
    }
}
