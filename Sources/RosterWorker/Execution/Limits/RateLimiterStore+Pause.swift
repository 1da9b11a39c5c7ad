import RosterCore
import RosterPostgres

extension RateLimiterStore {
    /// What a pause did, on the database clock.
    struct PauseObservation: Sendable, Hashable {
        var now: Timestamp
        /// Each window's TAT after the pause, in window order.
        var tats: [Timestamp]
        var pausedUntil: Timestamp

        /// The first window's TAT after the pause.
        var tat: Timestamp { tats[0] }
    }

    /// How long the budget stays paused by a 429, by the database clock; `nil` when it is not paused.
    public func remainingPause(key: String) async throws -> Duration? {
        let keys = Self.windowKeys(key, count: Self.maximumWindows)
        let rows = try await pool.query(
            """
            SELECT max(paused_until) - clock_timestamp() AS remaining
            FROM rate_limits WHERE key = ANY(\(keys)::text[])
            HAVING max(paused_until) > clock_timestamp()
            """
        ).rows
        guard let remaining = try rows.first?.decode(Duration.self, column: "remaining"), remaining > .zero else {
            return nil
        }
        return remaining
    }

    /// Stops every process from calling before `now + pause` in any window
    /// (``RateBudget/paused(tats:now:pause:)``), for a 429 or a `Retry-After`. Pauses only ever
    /// extend: a shorter one than the current is absorbed.
    ///
    /// - Parameters:
    ///   - key: The budget.
    ///   - pause: How long the vendor asked for.
    ///   - throttled: Whether this was a refusal (a 429) to count in `throttled_total` (of the
    ///     first window's row); `false` for a pause the vendor's rate-limit headers announced
    ///     before refusing anything.
    /// - Returns: When calls may start again (`paused_until`).
    /// - Throws: ``UnknownRateLimitError`` when there is no such budget, or ``PostgresError``.
    @discardableResult
    public func pause(key: String, for pause: Duration, throttled: Bool = true) async throws -> Timestamp {
        try await self.pauseObserved(key: key, for: pause, throttled: throttled).pausedUntil
    }

    /// ``pause(key:for:throttled:)`` returning the database's inputs too.
    ///
    /// - Parameter now: The time to pause at instead of the database clock (tests only).
    func pauseObserved(
        key: String,
        for pause: Duration,
        throttled: Bool = true,
        at now: Timestamp? = nil
    ) async throws -> PauseObservation {
        let pauseMicroseconds = max(0, pause.microseconds)
        let keys = Self.windowKeys(key, count: Self.maximumWindows)
        // Locks and clock as in ``reserveObserved(key:horizon:at:)``.
        let result = try await self.pool.query(
            """
            WITH locked AS MATERIALIZED (
                SELECT key, tat, paused_until, emission_interval * (burst - 1) AS tolerance
                FROM rate_limits WHERE key = ANY(\(keys)::text[]) ORDER BY key FOR UPDATE
            ), clock AS MATERIALIZED (
                SELECT COALESCE(\(now)::timestamptz, clock_timestamp()) AS now,
                       bool_or(key = \(key)) AS complete
                FROM locked
            ), clocked AS (
                SELECT l.*, c.now, \(Duration.microseconds(pauseMicroseconds))::interval AS pause
                FROM locked l CROSS JOIN clock c WHERE c.complete
            )
            UPDATE rate_limits AS r
            SET tat = GREATEST(c.tat, c.now + c.pause + c.tolerance),
                paused_until = GREATEST(c.paused_until, c.now + c.pause),
                throttled_total = r.throttled_total + CASE WHEN r.key = \(key) THEN \(throttled ? 1 : 0) ELSE 0 END,
                updated_at = c.now
            FROM clocked c
            WHERE r.key = c.key
            RETURNING r.key, c.now, r.tat, r.paused_until
            """
        )
        var rows: [(window: Int, now: Timestamp, tat: Timestamp, pausedUntil: Timestamp)] = []
        for row in result {
            rows.append(
                (
                    Self.windowIndex(of: try row.decode(String.self, column: "key"), in: key),
                    try row.decode(Timestamp.self, column: "now"),
                    try row.decode(Timestamp.self, column: "tat"),
                    try row.decode(Timestamp.self, column: "paused_until")
                ))
        }
        rows.sort { $0.window < $1.window }
        guard let first = rows.first else { throw UnknownRateLimitError(key: key) }
        return PauseObservation(now: first.now, tats: rows.map(\.tat), pausedUntil: rows.map(\.pausedUntil).max()!)
    }
}
