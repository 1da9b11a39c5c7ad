/// Roster's configuration: one file (`--config roster.yaml` or `ROSTER_CONFIG`) plus environment
/// overrides. Secrets are never in it: each vendor names the environment variable holding its key.
///
/// Decoded from YAML by the worker; every member has a documented default so a minimal file works.
public struct RosterConfiguration: Sendable, Hashable, Codable {
    /// Where HR events come from (`kafka:`).
    public var kafka: Kafka
    /// The Postgres database every worker process shares (`database:`): jobs, rate budgets, breakers
    /// and findings live there.
    public var database: Database
    /// The ops HTTP server (`http:`): health, readiness and metrics.
    public var http: HTTP
    /// The vendor instances, by the name grants, steps and metrics use for them (`vendors:`).
    public var vendors: [String: Vendor]
    /// The access policy (`policy:`): what an employee gets when their event carries no `access`
    /// (``AccessPolicy``).
    public var policy: [PolicyRule]
    /// How Kafka messages are read and recorded as jobs (`ingest:`).
    public var ingest: Ingest
    /// How this process runs jobs (`executor:`).
    public var executor: Executor
    /// Reconciliation passes and the check after each offboarding (`reconcile:`).
    public var reconcile: Reconcile
    /// The mass-offboarding brake (`brake:`).
    public var brake: Brake

    /// A configuration built in code; every section left out has the defaults of an empty file.
    public init(
        kafka: Kafka = Kafka(), database: Database = Database(), http: HTTP = HTTP(), vendors: [String: Vendor] = [:],
        policy: [PolicyRule] = [], ingest: Ingest = Ingest(), executor: Executor = Executor(),
        reconcile: Reconcile = Reconcile(), brake: Brake = Brake()
    ) {
        self.kafka = kafka
        self.database = database
        self.http = http
        self.vendors = vendors
        self.policy = policy
        self.ingest = ingest
        self.executor = executor
        self.reconcile = reconcile
        self.brake = brake
    }

    enum CodingKeys: String, CodingKey {
        case kafka, database, http, vendors, policy, ingest, executor, reconcile, brake
    }

    /// Decodes the whole file; a section left out takes its defaults, so `{}` is all defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kafka = try c.decodeIfPresent(Kafka.self, forKey: .kafka) ?? Kafka()
        database = try c.decodeIfPresent(Database.self, forKey: .database) ?? Database()
        http = try c.decodeIfPresent(HTTP.self, forKey: .http) ?? HTTP()
        vendors = try c.decodeIfPresent([String: Vendor].self, forKey: .vendors) ?? [:]
        policy = try c.decodeIfPresent([PolicyRule].self, forKey: .policy) ?? []
        ingest = try c.decodeIfPresent(Ingest.self, forKey: .ingest) ?? Ingest()
        executor = try c.decodeIfPresent(Executor.self, forKey: .executor) ?? Executor()
        reconcile = try c.decodeIfPresent(Reconcile.self, forKey: .reconcile) ?? Reconcile()
        brake = try c.decodeIfPresent(Brake.self, forKey: .brake) ?? Brake()
    }

    // MARK: - Sections

    /// The Kafka source of HR events (`kafka:`). Fields left out take their defaults.
    public struct Kafka: Sendable, Hashable, Codable {
        /// Comma-separated `host:port` list. Override: `ROSTER_KAFKA_BROKERS`.
        public var brokers: String
        /// The topic HR events are consumed from, and `roster publish`'s default (default `hr.events`).
        /// Override: `ROSTER_KAFKA_TOPIC`.
        public var topic: String
        /// The consumer group every worker process joins to share the topic's partitions (default
        /// `roster`). Override: `ROSTER_KAFKA_GROUP`.
        public var group: String
        /// When set, invalid messages are also produced here (the `dead_letters` table stays the source of truth).
        public var dlqTopic: String?
        /// Consumer group session timeout in milliseconds (default 10000).
        public var sessionTimeoutMs: Int
        /// librdkafka properties passed through as they are.
        public var properties: [String: String]

        /// Kafka settings built in code, with the same defaults as the file.
        public init(
            brokers: String = "127.0.0.1:9092", topic: String = "hr.events", group: String = "roster",
            dlqTopic: String? = nil, sessionTimeoutMs: Int = 10_000, properties: [String: String] = [:]
        ) {
            self.brokers = brokers
            self.topic = topic
            self.group = group
            self.dlqTopic = dlqTopic
            self.sessionTimeoutMs = sessionTimeoutMs
            self.properties = properties
        }

        enum CodingKeys: String, CodingKey {
            case brokers, topic, group, properties
            case dlqTopic = "dlq_topic"
            case sessionTimeoutMs = "session_timeout_ms"
        }

        /// Decodes `kafka:`; fields left out take their defaults (`dlq_topic`: none).
        public init(from decoder: any Decoder) throws {
            let d = Kafka()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            brokers = try c.decodeIfPresent(String.self, forKey: .brokers) ?? d.brokers
            topic = try c.decodeIfPresent(String.self, forKey: .topic) ?? d.topic
            group = try c.decodeIfPresent(String.self, forKey: .group) ?? d.group
            dlqTopic = try c.decodeIfPresent(String.self, forKey: .dlqTopic)
            sessionTimeoutMs = try c.decodeIfPresent(Int.self, forKey: .sessionTimeoutMs) ?? d.sessionTimeoutMs
            properties = try c.decodeIfPresent([String: String].self, forKey: .properties) ?? [:]
        }
    }

    /// The Postgres database (`database:`). Fields left out take their defaults.
    public struct Database: Sendable, Hashable, Codable {
        /// `postgresql://` URL or conninfo string. Override: `ROSTER_DATABASE_URL`.
        public var url: String
        /// Connections per process (default 8).
        public var poolSize: Int

        /// Database settings built in code, with the same defaults as the file.
        public init(url: String = "postgresql://roster@127.0.0.1:5432/roster", poolSize: Int = 8) {
            self.url = url
            self.poolSize = poolSize
        }

        enum CodingKeys: String, CodingKey {
            case url
            case poolSize = "pool_size"
        }

        /// Decodes `database:`; fields left out take their defaults.
        public init(from decoder: any Decoder) throws {
            let d = Database()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            url = try c.decodeIfPresent(String.self, forKey: .url) ?? d.url
            poolSize = try c.decodeIfPresent(Int.self, forKey: .poolSize) ?? d.poolSize
        }
    }

    /// The ops HTTP server (`http:`). Fields left out take their defaults.
    public struct HTTP: Sendable, Hashable, Codable {
        /// `host:port` of the ops HTTP server (`/healthz`, `/readyz`, `/metrics`); port 0 picks a
        /// free port. Default `127.0.0.1:9464`. Override: `ROSTER_HTTP_LISTEN`.
        public var listen: String
        /// How often gauges read from Postgres and Kafka (jobs by state, breakers, consumer lag)
        /// are refreshed, in milliseconds (default 15000).
        public var metricsRefreshMs: Int

        /// HTTP settings built in code, with the same defaults as the file.
        public init(listen: String = "127.0.0.1:9464", metricsRefreshMs: Int = 15_000) {
            self.listen = listen
            self.metricsRefreshMs = metricsRefreshMs
        }

        enum CodingKeys: String, CodingKey {
            case listen
            case metricsRefreshMs = "metrics_refresh_ms"
        }

        /// Decodes `http:`; fields left out take their defaults.
        public init(from decoder: any Decoder) throws {
            let d = HTTP()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            listen = try c.decodeIfPresent(String.self, forKey: .listen) ?? d.listen
            metricsRefreshMs = try c.decodeIfPresent(Int.self, forKey: .metricsRefreshMs) ?? d.metricsRefreshMs
        }
    }

    /// The job executor (`executor:`): claims jobs from Postgres and runs their steps. Fields left
    /// out take their defaults.
    public struct Executor: Sendable, Hashable, Codable {
        /// Whether this process runs jobs (default true); ingest-only workers set false.
        public var enabled: Bool
        /// Jobs run at once by this process (default 64).
        public var concurrency: Int
        /// A running job's lease; a worker silent for longer loses the job to another (default 30).
        public var leaseSeconds: Int
        /// Poll fallback when no NOTIFY arrives, in milliseconds (default 1000).
        public var pollMs: Int

        /// Executor settings built in code, with the same defaults as the file.
        public init(enabled: Bool = true, concurrency: Int = 64, leaseSeconds: Int = 30, pollMs: Int = 1000) {
            self.enabled = enabled
            self.concurrency = concurrency
            self.leaseSeconds = leaseSeconds
            self.pollMs = pollMs
        }

        enum CodingKeys: String, CodingKey {
            case enabled, concurrency
            case leaseSeconds = "lease_seconds"
            case pollMs = "poll_ms"
        }

        /// Decodes `executor:`; fields left out take their defaults.
        public init(from decoder: any Decoder) throws {
            let d = Executor()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? d.enabled
            concurrency = try c.decodeIfPresent(Int.self, forKey: .concurrency) ?? d.concurrency
            leaseSeconds = try c.decodeIfPresent(Int.self, forKey: .leaseSeconds) ?? d.leaseSeconds
            pollMs = try c.decodeIfPresent(Int.self, forKey: .pollMs) ?? d.pollMs
        }
    }

    /// Ingest (`ingest:`): how Kafka messages are polled, validated and recorded as jobs. Fields left
    /// out take their defaults.
    public struct Ingest: Sendable, Hashable, Codable {
        /// Messages per poll and per Postgres transaction (default 1000).
        public var batchSize: Int
        /// How long a poll waits to fill a batch, in milliseconds (default 200).
        public var batchWaitMs: Int
        /// Larger messages are dead-lettered unparsed (default 1 MiB).
        public var maxMessageBytes: Int

        /// Ingest settings built in code, with the same defaults as the file.
        public init(batchSize: Int = 1000, batchWaitMs: Int = 200, maxMessageBytes: Int = 1 << 20) {
            self.batchSize = batchSize
            self.batchWaitMs = batchWaitMs
            self.maxMessageBytes = maxMessageBytes
        }

        enum CodingKeys: String, CodingKey {
            case batchSize = "batch_size"
            case batchWaitMs = "batch_wait_ms"
            case maxMessageBytes = "max_message_bytes"
        }

        /// Decodes `ingest:`; fields left out take their defaults.
        public init(from decoder: any Decoder) throws {
            let d = Ingest()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
            batchWaitMs = try c.decodeIfPresent(Int.self, forKey: .batchWaitMs) ?? d.batchWaitMs
            maxMessageBytes = try c.decodeIfPresent(Int.self, forKey: .maxMessageBytes) ?? d.maxMessageBytes
        }
    }
}
