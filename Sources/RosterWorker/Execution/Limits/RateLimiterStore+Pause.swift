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
            SELECT (extract(epoch FROM max(paused_until) - clock_timestamp()) * 1000000)::int8
            FROM rate_limits WHERE key = ANY(\(keys)::text[])
            HAVING max(paused_until) > clock_timestamp()
            """
        ).rows
        guard let micros = try rows.first?.decode(Int64.self, at: 0), micros > 0 else { return nil }
        return .microseconds(micros)
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
                SELECT COALESCE(timestamptz 'epoch' + \(now?.microsecondsSince1970) * interval '1 microsecond',
                                clock_timestamp()) AS now,
                       bool_or(key = \(key)) AS complete
                FROM locked
            ), clocked AS (
                SELECT l.*, c.now, \(pauseMicroseconds) * interval '1 microsecond' AS pause
                FROM locked l CROSS JOIN clock c WHERE c.complete
            )
            UPDATE rate_limits AS r
            SET tat = GREATEST(c.tat, c.now + c.pause + c.tolerance),
                paused_until = GREATEST(c.paused_until, c.now + c.pause),
                throttled_total = r.throttled_total + CASE WHEN r.key = \(key) THEN \(throttled ? 1 : 0) ELSE 0 END,
                updated_at = c.now
            FROM clocked c
            WHERE r.key = c.key
            RETURNING r.key, \(unescaped: microsecondsSQL("c.now")), \(unescaped: microsecondsSQL("r.tat")),
                \(unescaped: microsecondsSQL("r.paused_until"))
            """
        )
        var rows: [(window: Int, now: Int64, tat: Int64, pausedUntil: Int64)] = []
        for row in result {
            let (rowKey, now, tat, pausedUntil) = try row.decode((String, Int64, Int64, Int64).self)
            rows.append((Self.windowIndex(of: rowKey, in: key), now, tat, pausedUntil))
        }
        rows.sort { $0.window < $1.window }
        guard let first = rows.first else { throw UnknownRateLimitError(key: key) }
        return PauseObservation(
            now: Timestamp(microsecondsSince1970: first.now),
            tats: rows.map { Timestamp(microsecondsSince1970: $0.tat) },
            pausedUntil: Timestamp(microsecondsSince1970: rows.map(\.pausedUntil).max()!)
        )
    }
}
