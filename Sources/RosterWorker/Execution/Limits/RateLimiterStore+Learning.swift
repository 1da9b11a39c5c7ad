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
                SELECT emission_interval, minimum_interval, raised_at, COALESCE(\(now)::timestamptz, clock_timestamp()) AS now
                FROM rate_limits WHERE key = \(key)
                """
            ).rows
            guard let row = rows.first else { throw UnknownRateLimitError(key: key) }
            let current = try row.decode(Duration.self, column: "emission_interval")
            let minimum = try row.decode(Duration.self, column: "minimum_interval")
            let at = try row.decode(Timestamp.self, column: "now")
            let rule = LearnedBudget(shortestInterval: max(.microseconds(1), minimum), raiseInterval: raiseInterval)
            let step = rule.step(
                current: current, advertised: advertised,
                lastRaise: try row.decode(Timestamp?.self, column: "raised_at"), now: at)
            let next = Duration.microseconds(step.emissionInterval.microseconds)
            let raised = step.change == .raised
            let applied = try await self.pool.query(
                """
                UPDATE rate_limits
                SET emission_interval = CASE WHEN emission_interval = \(current)::interval AND minimum_interval = \(minimum)::interval
                                             THEN \(next)::interval ELSE emission_interval END,
                    raised_at = CASE WHEN emission_interval = \(current)::interval AND minimum_interval = \(minimum)::interval AND \(raised)
                                     THEN \(at)::timestamptz ELSE raised_at END,
                    advertised_per_second = \(advertised),
                    advertised_at = \(at)::timestamptz
                WHERE key = \(key)
                RETURNING emission_interval
                """
            ).rows
            guard let first = applied.first else { throw UnknownRateLimitError(key: key) }
            // The interval is `next` when this write applied (or another process reached the same).
            let stored = try first.decode(Duration.self, column: "emission_interval")
            if stored == next || attempt >= 2 {
                return Learning(
                    previousInterval: current, interval: stored,
                    change: stored == next ? step.change : .unchanged, now: at
                )
            }
        }
    }
}
