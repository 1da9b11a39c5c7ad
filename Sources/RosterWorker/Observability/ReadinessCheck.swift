import Foundation
import RosterCore
import RosterKafka
import RosterPostgres

/// What `/readyz` checks: Postgres answers, the schema has every migration this build knows,
/// Kafka answers a metadata request for the topic, and the worker's own loops are healthy
/// (``LoopHealth``: the ingest loop polled successfully lately and met no fatal Kafka error; the
/// executor's claims are not failing). Each check has its own deadline, so the
/// probe answers within about ``timeout`` whatever hangs.
public struct ReadinessCheck: Sendable {
    /// The outcome: ready, or the failed checks with a reason a person can read.
    public struct Report: Sendable, Hashable {
        /// `postgres`, `migrations`, `kafka`, `ingest`, `executor` (and `shutdown` once it has begun)
        /// → `ok` or why not.
        public var checks: [String: String]
        /// Whether every check said `ok`; `/readyz` answers 200 then, 503 otherwise.
        public var isReady: Bool { checks.values.allSatisfy { $0 == "ok" } }

        /// `{"status":"ready"|"not_ready","checks":{…}}`.
        public var json: String {
            JSONValue.object([
                "status": .string(isReady ? "ready" : "not_ready"),
                "checks": .object(checks.mapValues { .string($0) }),
            ]).serialized
        }
    }

    let pool: PostgresPool
    let expectedVersion: Int
    let kafka: KafkaConsumer?
    let topic: String
    let timeout: Duration
    let health: LoopHealth?
    let ingestRuns: Bool

    /// - Parameters:
    ///   - pool: The worker's pool.
    ///   - expectedVersion: The newest migration this build knows (default: ``RosterSchema``'s).
    ///   - kafka: A group observer (``KafkaConsumer/observer(configuration:logger:)``); `nil` skips the check.
    ///   - topic: The topic whose metadata proves Kafka answers.
    ///   - timeout: The deadline of each check.
    ///   - health: The worker's loops; `nil` skips those checks.
    ///   - ingestRuns: Whether this worker runs the ingest loop (its health is checked only then).
    public init(
        pool: PostgresPool, expectedVersion: Int = RosterSchema.migrations.last?.version ?? 0, kafka: KafkaConsumer?,
        topic: String,
        timeout: Duration = .seconds(3), health: LoopHealth? = nil, ingestRuns: Bool = true
    ) {
        self.health = health
        self.ingestRuns = ingestRuns
        self.pool = pool
        self.expectedVersion = expectedVersion
        self.kafka = kafka
        self.topic = topic
        self.timeout = timeout
    }

    /// Runs the checks concurrently.
    public func run() async -> Report {
        async let postgres = self.postgres()
        async let kafka = self.kafkaCheck()
        var checks = await postgres
        if let kafka = await kafka { checks["kafka"] = kafka }
        if let verdict = health?.verdict(ingestRuns: ingestRuns) {
            if let ingest = verdict.ingest { checks["ingest"] = ingest }
            if let executor = verdict.executor { checks["executor"] = executor }
        }
        return Report(checks: checks)
    }

    private func postgres() async -> [String: String] {
        let pool = self.pool
        do {
            guard
                let version = try await withDeadline(
                    timeout, { try await Migrator(migrations: []).currentVersion(pool) })
            else {
                return ["postgres": "no answer within \(timeout)", "migrations": "unknown: Postgres did not answer"]
            }
            guard let version, version >= expectedVersion else {
                let have = version.map { "version \($0)" } ?? "no migrations"
                return [
                    "postgres": "ok",
                    "migrations": "schema has \(have), this worker needs \(expectedVersion): run roster migrate",
                ]
            }
            return ["postgres": "ok", "migrations": "ok"]
        } catch {
            return ["postgres": "unreachable: \(error)", "migrations": "unknown: Postgres is unreachable"]
        }
    }

    private func kafkaCheck() async -> String? {
        guard let kafka else { return nil }
        let (topic, timeout) = (self.topic, self.timeout)
        do {
            guard
                let partitions = try await withDeadline(
                    timeout + .milliseconds(500), { try await kafka.partitions(topic: topic, timeout: timeout) })
            else {
                return "no answer within \(timeout)"
            }
            return partitions.isEmpty ? "topic \(topic) has no partitions" : "ok"
        } catch {
            return "unreachable: \(error)"
        }
    }
}
