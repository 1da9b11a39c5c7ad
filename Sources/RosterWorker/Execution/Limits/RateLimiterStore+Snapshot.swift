import RosterCore
import RosterPostgres

extension RateLimiterStore {
    /// One budget as stored, for `roster status` and tests.
    public struct Snapshot: Sendable, Hashable {
        /// The budget's key.
        public var key: String
        /// The vendor instance.
        public var vendor: String
        /// The rate and burst every reservation uses: the configured rate, or for the first window
        /// the one learned from the vendor's headers.
        public var rate: GCRA
        /// The interval the configuration asks for.
        public var configuredInterval: Duration
        /// The shortest interval learning may reach (`rate.max_requests_per_second`).
        public var minimumInterval: Duration
        /// The rate the vendor last advertised (requests per second), and when.
        public var advertisedPerSecond: Double?
        /// When ``advertisedPerSecond`` was read from the vendor's headers; `nil` if never.
        public var advertisedAt: Timestamp?
        /// The theoretical arrival time.
        public var tat: Timestamp
        /// Set by the last pause (a 429): nobody called before it.
        public var pausedUntil: Timestamp?
        /// How many times the vendor refused a call with 429.
        public var throttledTotal: Int
        /// The last reservation, pause or configuration change.
        public var updatedAt: Timestamp
        /// The database clock when the snapshot was taken.
        public var now: Timestamp

        /// How far ahead the budget is reserved: a caller arriving now waits about
        /// `backlog − tolerance` (zero when the budget has room).
        public var backlog: Duration { max(.zero, tat.duration(since: now)) }

        /// The configured rate, requests per second.
        public var configuredRequestsPerSecond: Double { LearnedBudget.requestsPerSecond(configuredInterval) }

        /// The rate in use (configured or learned), requests per second.
        public var requestsPerSecond: Double { LearnedBudget.requestsPerSecond(rate.emissionInterval) }

        /// The most learning may reach, requests per second.
        public var maximumRequestsPerSecond: Double { LearnedBudget.requestsPerSecond(minimumInterval) }

        /// Whether the rate in use is not the configured one.
        public var isLearned: Bool { rate.emissionInterval != configuredInterval }

        /// Whether this row is a budget's first window (the one learning moves), not `key#2`….
        public var isFirstWindow: Bool {
            guard let hash = key.lastIndex(of: "#") else { return true }
            let suffix = key[key.index(after: hash)...]
            return suffix.isEmpty || !suffix.allSatisfy(\.isNumber)
        }

        /// Whether a pause is in force.
        public var isPaused: Bool { pausedUntil.map { $0 > now } ?? false }
    }

    /// Every budget, ordered by key.
    ///
    /// - Throws: ``PostgresError``.
    public func snapshot() async throws -> [Snapshot] {
        let result = try await self.pool.query(
            """
            SELECT *, clock_timestamp() AS now FROM rate_limits ORDER BY key
            """
        )
        return try result.map { row in
            var rate = GCRA(requestsPerSecond: 1, burst: max(try row.decode(Int.self, column: "burst"), 1))
            rate.emissionInterval = try row.decode(Duration.self, column: "emission_interval")
            return Snapshot(
                key: try row.decode(String.self, column: "key"),
                vendor: try row.decode(String.self, column: "vendor"),
                rate: rate,
                configuredInterval: try row.decode(Duration.self, column: "configured_interval"),
                minimumInterval: try row.decode(Duration.self, column: "minimum_interval"),
                advertisedPerSecond: try row.decode(Double?.self, column: "advertised_per_second"),
                advertisedAt: try row.decode(Timestamp?.self, column: "advertised_at"),
                tat: try row.decode(Timestamp.self, column: "tat"),
                pausedUntil: try row.decode(Timestamp?.self, column: "paused_until"),
                throttledTotal: try row.decode(Int.self, column: "throttled_total"),
                updatedAt: try row.decode(Timestamp.self, column: "updated_at"),
                now: try row.decode(Timestamp.self, column: "now")
            )
        }
    }
}
