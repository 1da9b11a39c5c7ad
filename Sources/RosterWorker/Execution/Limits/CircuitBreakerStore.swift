import RosterCore
import RosterPostgres

/// The per-vendor circuit breakers, one `circuit_breakers` row per vendor instance, shared by every
/// worker process and readable by operators. ``CircuitBreaker`` is the specification; each method
/// here is one statement that makes the same transition on the row, on the database's clock.
///
/// - A missing row is a closed breaker with no failures: healthy vendors cost no writes.
/// - When the open period has passed, exactly one caller across all processes gets
///   ``CircuitBreaker/Admission/probe``: the transition to `half_open` is an `UPDATE` whose
///   condition concurrent callers re-check after the row lock, so only the first one matches.
///   A probe whose outcome never arrives (its process died) is replaced after another open period.
/// - Only outcomes that say something about the vendor's health should be recorded as failures
///   (5xx, timeouts, connection errors), not 4xx or 429: the caller decides (see
///   ``GovernedTransport``).
public struct CircuitBreakerStore: Sendable {
    /// When a vendor's breaker opens and for how long.
    public struct Policy: Sendable, Hashable {
        /// Consecutive failures that open the breaker.
        public var failureThreshold: Int
        /// How long an open breaker rejects calls before letting a probe through.
        public var openDuration: Duration

        /// - Parameters:
        ///   - failureThreshold: Consecutive failures that open the breaker (default 5, at least 1).
        ///   - openDuration: How long it stays open (default 30 s).
        public init(failureThreshold: Int = 5, openDuration: Duration = .seconds(30)) {
            precondition(failureThreshold >= 1 && openDuration > .zero, "a breaker needs a threshold and an open time")
            self.failureThreshold = failureThreshold
            self.openDuration = openDuration
        }
    }

    /// Where the breakers live.
    public let pool: PostgresPool
    /// The policy of vendors not in ``policies``.
    public var defaultPolicy: Policy
    /// Per vendor instance policies.
    public var policies: [String: Policy]

    /// - Parameters:
    ///   - pool: The database holding `circuit_breakers`.
    ///   - defaultPolicy: For vendors without their own.
    ///   - policies: Per vendor instance (`openai`, …).
    public init(pool: PostgresPool, defaultPolicy: Policy = Policy(), policies: [String: Policy] = [:]) {
        self.pool = pool
        self.defaultPolicy = defaultPolicy
        self.policies = policies
    }

    /// The policy for `vendor`.
    public func policy(for vendor: String) -> Policy {
        self.policies[vendor] ?? self.defaultPolicy
    }

    // MARK: - Calls

    /// May a call to `vendor` go now? (``CircuitBreaker/admit(now:)``.)
    ///
    /// - Returns: ``CircuitBreaker/Admission/allowed`` when closed; ``CircuitBreaker/Admission/probe``
    ///   for the one caller that tests a recovering vendor (record its outcome!);
    ///   ``CircuitBreaker/Admission/rejected(retryAfter:)`` otherwise.
    /// - Throws: ``PostgresError``.
    public func admit(vendor: String) async throws -> CircuitBreaker.Admission {
        let open = self.policy(for: vendor).openDuration
        let result = try await self.pool.query(
            """
            WITH probe AS (
                UPDATE circuit_breakers
                SET state = \(CircuitBreaker.State.halfOpen),
                    retry_at = clock_timestamp() + \(open)::interval,
                    updated_at = clock_timestamp()
                WHERE vendor = \(vendor) AND state <> \(CircuitBreaker.State.closed) AND (retry_at IS NULL OR retry_at <= clock_timestamp())
                RETURNING state
            )
            SELECT true AS probe, state, NULL::interval AS remaining FROM probe
            UNION ALL
            SELECT false, state, retry_at - clock_timestamp()
            FROM circuit_breakers
            WHERE vendor = \(vendor) AND NOT EXISTS (SELECT 1 FROM probe)
            """
        )
        guard let row = result.first else { return .allowed }
        if try row.decode(Bool.self, column: "probe") { return .probe }
        guard try row.decode(CircuitBreaker.State.self, column: "state") != .closed else { return .allowed }
        guard let remaining = try row.decode(Duration?.self, column: "remaining"), remaining > .zero else {
            // The row was read before another caller took the probe (the statement's snapshot
            // predates it): that probe holds the breaker for one open period.
            return .rejected(retryAfter: open)
        }
        return .rejected(retryAfter: remaining)
    }

    /// Records the outcome of a call that was let through (``CircuitBreaker/record(success:now:)``).
    ///
    /// - Parameters:
    ///   - vendor: The vendor instance.
    ///   - success: `false` only for failures that say the vendor is unhealthy.
    /// - Returns: The breaker's state afterwards.
    /// - Throws: ``PostgresError``.
    @discardableResult
    public func record(vendor: String, success: Bool) async throws -> CircuitBreaker.State {
        if success {
            // Writes only when there is something to reset.
            try await self.pool.execute(
                """
                UPDATE circuit_breakers
                SET state = \(CircuitBreaker.State.closed), consecutive_failures = 0, retry_at = NULL, updated_at = clock_timestamp()
                WHERE vendor = \(vendor) AND (state <> \(CircuitBreaker.State.closed) OR consecutive_failures <> 0)
                """
            )
            return .closed
        }
        let policy = self.policy(for: vendor)
        let open = Duration.microseconds(policy.openDuration.microseconds)
        let opensAtOnce = policy.failureThreshold <= 1
        let result = try await self.pool.query(
            """
            INSERT INTO circuit_breakers AS b (vendor, state, consecutive_failures, retry_at, opened_total, updated_at)
            VALUES (
                \(vendor), CASE WHEN \(opensAtOnce) THEN \(CircuitBreaker.State.open) ELSE \(CircuitBreaker.State.closed) END, 1,
                CASE WHEN \(opensAtOnce) THEN clock_timestamp() + \(open)::interval END,
                CASE WHEN \(opensAtOnce) THEN 1 ELSE 0 END, clock_timestamp()
            )
            ON CONFLICT (vendor) DO UPDATE SET
                consecutive_failures = b.consecutive_failures + 1,
                state = CASE WHEN b.state = \(CircuitBreaker.State.halfOpen) OR b.consecutive_failures + 1 >= \(policy.failureThreshold)
                             THEN \(CircuitBreaker.State.open) ELSE b.state END,
                retry_at = CASE WHEN b.state = \(CircuitBreaker.State.halfOpen) OR b.consecutive_failures + 1 >= \(policy.failureThreshold)
                                THEN clock_timestamp() + \(open)::interval ELSE b.retry_at END,
                opened_total = b.opened_total
                    + CASE WHEN b.state <> \(CircuitBreaker.State.open)
                                AND (b.state = \(CircuitBreaker.State.halfOpen) OR b.consecutive_failures + 1 >= \(policy.failureThreshold))
                           THEN 1 ELSE 0 END,
                updated_at = clock_timestamp()
            RETURNING state
            """
        )
        return try result.first?.decode(CircuitBreaker.State.self, column: "state") ?? .open
    }
}
