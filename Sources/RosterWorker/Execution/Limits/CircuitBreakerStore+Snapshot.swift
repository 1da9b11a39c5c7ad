import RosterCore
import RosterPostgres

extension CircuitBreakerStore {
    /// One vendor's breaker as stored, for `roster status` and tests.
    public struct Snapshot: Sendable, Hashable {
        /// The vendor instance.
        public var vendor: String
        /// Closed, open or half-open.
        public var state: CircuitBreaker.State
        /// Failures since the last success.
        public var consecutiveFailures: Int
        /// When an open breaker lets a probe through (half-open: when a lost probe is replaced).
        public var retryAt: Timestamp?
        /// How many times the breaker opened.
        public var openedTotal: Int
        /// The last change.
        public var updatedAt: Timestamp
    }

    /// Every breaker that has ever recorded a failure, ordered by vendor (a vendor without a
    /// row is closed).
    ///
    /// - Throws: ``PostgresError``.
    public func snapshot() async throws -> [Snapshot] {
        let result = try await self.pool.query(
            """
            SELECT * FROM circuit_breakers ORDER BY vendor
            """
        )
        return try result.map { row in
            Snapshot(
                vendor: try row.decode(String.self, column: "vendor"),
                state: try row.decode(CircuitBreaker.State.self, column: "state"),
                consecutiveFailures: try row.decode(Int.self, column: "consecutive_failures"),
                retryAt: try row.decode(Timestamp?.self, column: "retry_at"),
                openedTotal: try row.decode(Int.self, column: "opened_total"),
                updatedAt: try row.decode(Timestamp.self, column: "updated_at")
            )
        }
    }

    /// `vendor`'s breaker (closed with no failures when it has no row).
    ///
    /// - Throws: ``PostgresError``.
    public func snapshot(vendor: String) async throws -> Snapshot {
        try await self.snapshot().first { $0.vendor == vendor }
            ?? Snapshot(
                vendor: vendor,
                state: .closed,
                consecutiveFailures: 0,
                retryAt: nil,
                openedTotal: 0,
                updatedAt: Timestamp(microsecondsSince1970: 0)
            )
    }
}
