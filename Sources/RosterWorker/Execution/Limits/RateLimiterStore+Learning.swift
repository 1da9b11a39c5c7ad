import RosterCore
import RosterPostgres

extension RateLimiterStore {
    /// What one advertised rate did to a budget, on the database clock.
    public struct Learning: Sendable, Hashable {
        /// The first window's interval before.
        public var previousInterval: Duration
        /// The first window's interval now (unchanged when another process moved it first).
        public var interval: Duration
        /// What the rule decided (``LearnedBudget/step(current:advertised:lastRaise:now:)``).
        public var change: LearnedBudget.Change
        /// The database clock (or the injected time).
        public var now: Timestamp

        /// The budget's rate now.
        public var requestsPerSecond: Double { LearnedBudget.requestsPerSecond(interval) }
    }

    /// Moves budget `key`'s first window towards what the vendor advertises (``LearnedBudget``),
    /// for every process at once: the interval is the one every reservation uses, bounded by the
    /// `minimum_interval` ``ensure(key:vendor:budget:learning:)`` stored from the configuration.
    /// Records the advertised rate for `roster status` whatever the rule decides.
    ///
    /// The rule runs here on the row as read; the write applies only if no other process changed
    /// the interval in between (compare-and-set), and is retried once on the new figure.
    ///
    /// - Parameters:
    ///   - key: The budget.
    ///   - advertised: The vendor's rate, requests per second (``AdvertisedLimit/requestsPerSecond``).
    ///   - raiseInterval: The least time between two raises (``LearnedBudget/raiseInterval``).
    ///   - now: The time to decide at instead of the database clock (tests only).
    /// - Throws: ``UnknownRateLimitError`` when there is no such budget, or ``PostgresError``.
    @discardableResult
    public func learn(
        key: String, advertised: Double, raiseInterval: Duration = .seconds(1), at now: Timestamp? = nil
    ) async throws -> Learning {
        var attempt = 0
        while true {
            attempt += 1
            let rows = try await self.pool.query(
                """
                SELECT \(unescaped: microsecondsSQL("emission_interval")), \(unescaped: microsecondsSQL("minimum_interval")),
                    \(unescaped: microsecondsSQL("raised_at")),
                    COALESCE(\(now?.microsecondsSince1970), \(unescaped: microsecondsSQL("clock_timestamp()")))
                FROM rate_limits WHERE key = \(key)
                """
            ).rows
            guard let row = rows.first else { throw UnknownRateLimitError(key: key) }
            let (current, minimum, raisedAt, clock) = try row.decode((Int64, Int64, Int64?, Int64).self)
            let at = Timestamp(microsecondsSince1970: clock)
            let rule = LearnedBudget(shortestInterval: .microseconds(max(1, minimum)), raiseInterval: raiseInterval)
            let step = rule.step(
                current: .microseconds(current), advertised: advertised,
                lastRaise: raisedAt.map(Timestamp.init(microsecondsSince1970:)), now: at
            )
            let next = step.emissionInterval.microseconds
            let raised = step.change == .raised
            let applied = try await self.pool.query(
                """
                UPDATE rate_limits
                SET emission_interval = CASE WHEN emission_interval = \(current) * interval '1 microsecond'
                                                  AND minimum_interval = \(minimum) * interval '1 microsecond'
                                             THEN \(next) * interval '1 microsecond' ELSE emission_interval END,
                    raised_at = CASE WHEN emission_interval = \(current) * interval '1 microsecond'
                                          AND minimum_interval = \(minimum) * interval '1 microsecond' AND \(raised)
                                     THEN timestamptz 'epoch' + \(clock) * interval '1 microsecond' ELSE raised_at END,
                    advertised_per_second = \(advertised),
                    advertised_at = timestamptz 'epoch' + \(clock) * interval '1 microsecond'
                WHERE key = \(key)
                RETURNING \(unescaped: microsecondsSQL("emission_interval"))
                """
            ).rows
            guard let first = applied.first else { throw UnknownRateLimitError(key: key) }
            // The interval is `next` when this write applied (or another process reached the same).
            let stored = try first.decode(Int64.self, at: 0)
            if stored == next || attempt >= 2 {
                return Learning(
                    previousInterval: .microseconds(current), interval: .microseconds(stored),
                    change: stored == next ? step.change : .unchanged, now: at
                )
            }
        }
    }
}
