import RosterCore
import RosterPostgres

/// The shared rate limiters: one GCRA budget per vendor credential in `rate_limits`, used by every
/// worker process (DESIGN.md, "Respect vendors").
///
/// Each call is one statement that runs the arithmetic of ``GCRA`` (its specification) on the
/// row, using the database's clock so that every process agrees on "now":
///
/// ```swift
/// let limits = RateLimiterStore(pool: pool)
/// try await limits.ensure(key: key, vendor: "openai", rate: GCRA(requestsPerSecond: 5, burst: 10))
/// switch try await limits.reserve(key: key, horizon: .seconds(2)) {
/// case .reserved(let wait, _): try await Task.sleep(for: wait)   // then call the vendor
/// case .busy(let retryAfter): …                                  // nothing was taken
/// }
/// ```
///
/// - A reservation locks the row (`SELECT … FOR UPDATE` inside the statement) before it reads the
///   clock, so concurrent reservers are serialised in clock order and none decides on a stale
///   "now".
/// - ``pause(key:for:throttled:)`` (a 429) moves the budget so that no process gets a slot
///   before `now + pause`, and records `paused_until` for operators.
/// - Keys name a credential, never hold it: `openai:https://api.openai.com/v1:OPENAI_ADMIN_KEY`
///   (see ``GovernedTransport/limiterKey(kind:baseURL:credential:)``).
public struct RateLimiterStore: Sendable {
    /// Where the budgets live.
    public let pool: PostgresPool

    /// - Parameter pool: The database holding `rate_limits`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    // MARK: - Budgets

    /// Creates the budget `key`, or updates its vendor, interval and burst when they changed.
    /// An existing budget keeps its TAT and pause, so restarting workers never grants a fresh burst.
    ///
    /// - Parameters:
    ///   - key: The budget's name (one per vendor credential).
    ///   - vendor: The vendor instance it belongs to, for status output.
    ///   - rate: The rate and burst.
    /// - Throws: ``PostgresError``.
    public func ensure(key: String, vendor: String, rate: GCRA) async throws {
        let interval = rate.emissionInterval.wholeMicroseconds
        try await self.pool.execute(
            """
            INSERT INTO rate_limits AS r (key, vendor, tat, emission_interval, burst, updated_at)
            VALUES (\(key), \(vendor), clock_timestamp(), \(interval) * interval '1 microsecond', \(rate.burst),
                    clock_timestamp())
            ON CONFLICT (key) DO UPDATE
            SET vendor = excluded.vendor, emission_interval = excluded.emission_interval, burst = excluded.burst,
                updated_at = excluded.updated_at
            WHERE (r.vendor, r.emission_interval, r.burst)
                IS DISTINCT FROM (excluded.vendor, excluded.emission_interval, excluded.burst)
            """
        )
    }

    // MARK: - Reservations

    /// Takes the next slot of budget `key` if it starts within `horizon`
    /// (``GCRA/decide(tat:now:horizon:)``, honouring `paused_until`).
    ///
    /// - Parameters:
    ///   - key: The budget (created by ``ensure(key:vendor:rate:)``).
    ///   - horizon: The longest wait this caller accepts.
    /// - Returns: ``GCRA/Decision/reserved(wait:newTAT:)``: sleep `wait`, then call (the slot is
    ///   taken); or ``GCRA/Decision/busy(retryAfter:)``: nothing was taken.
    /// - Throws: ``UnknownRateLimitError`` when there is no such budget, or ``PostgresError``.
    public func reserve(key: String, horizon: Duration) async throws -> GCRA.Decision {
        try await self.reserveObserved(key: key, horizon: horizon).decision
    }

    /// A reservation with the inputs the database decided on, so tests can replay it on ``GCRA``.
    struct Observation: Sendable, Hashable {
        /// The database clock when the row was locked.
        var now: Timestamp
        /// The TAT before the decision.
        var previousTAT: Timestamp
        /// The decision.
        var decision: GCRA.Decision

        /// When the reserved slot starts, on the database clock.
        var slot: Timestamp? {
            guard case .reserved(let wait, _) = decision else { return nil }
            return now.adding(wait)
        }
    }

    /// ``reserve(key:horizon:)`` returning the database's inputs too.
    func reserveObserved(key: String, horizon: Duration) async throws -> Observation {
        let horizonMicroseconds = max(0, horizon.wholeMicroseconds)
        // `locked` waits for the row lock; only then does `clocked` read the clock (both are
        // materialised, so each runs once and in that order). The UPDATE writes what was decided
        // from the locked row, which no one else can change before this statement ends.
        let result = try await self.pool.query(
            """
            WITH locked AS MATERIALIZED (
                SELECT key, tat, paused_until, emission_interval, emission_interval * (burst - 1) AS tolerance
                FROM rate_limits WHERE key = \(key) FOR UPDATE
            ), clocked AS MATERIALIZED (
                SELECT locked.*, clock_timestamp() AS now FROM locked
            ), based AS (
                SELECT c.*, GREATEST(c.tat, c.now, c.paused_until + c.tolerance) AS base FROM clocked c
            ), decided AS (
                SELECT b.*, GREATEST(b.now, b.base - b.tolerance) - b.now AS wait FROM based b
            )
            UPDATE rate_limits AS r
            SET tat = CASE WHEN d.wait <= \(horizonMicroseconds) * interval '1 microsecond'
                           THEN d.base + d.emission_interval ELSE d.tat END,
                updated_at = d.now
            FROM decided d
            WHERE r.key = d.key
            RETURNING d.wait <= \(horizonMicroseconds) * interval '1 microsecond',
                \(unescaped: microsecondsSQL("d.now")), \(unescaped: microsecondsSQL("d.tat")),
                \(unescaped: microsecondsSQL("r.tat")), \(unescaped: microsecondsSQL("d.wait"))
            """
        )
        guard let row = result.first else { throw UnknownRateLimitError(key: key) }
        let (reserved, now, previous, tat, wait) = try row.decode((Bool, Int64, Int64, Int64, Int64).self)
        let decision: GCRA.Decision =
            reserved
            ? .reserved(wait: .microseconds(wait), newTAT: Timestamp(microsecondsSince1970: tat))
            : .busy(retryAfter: .microseconds(wait - horizonMicroseconds))
        return Observation(
            now: Timestamp(microsecondsSince1970: now),
            previousTAT: Timestamp(microsecondsSince1970: previous),
            decision: decision
        )
    }

    // MARK: - Pauses

    /// What a pause did, on the database clock.
    struct PauseObservation: Sendable, Hashable {
        var now: Timestamp
        var tat: Timestamp
        var pausedUntil: Timestamp
    }

    /// Stops every process from calling before `now + pause` (``GCRA/paused(tat:now:pause:)``),
    /// for a 429 or a `Retry-After`. Pauses only ever extend: a shorter one than the current is
    /// absorbed.
    ///
    /// - Parameters:
    ///   - key: The budget.
    ///   - pause: How long the vendor asked for.
    ///   - throttled: Whether this was a refusal (a 429) to count in `throttled_total`; `false`
    ///     for a pause the vendor's rate-limit headers announced before refusing anything.
    /// How long the budget stays paused by a 429, by the database clock; `nil` when it is not paused.
    public func remainingPause(key: String) async throws -> Duration? {
        let rows = try await pool.query(
            """
            SELECT (extract(epoch FROM paused_until - clock_timestamp()) * 1000000)::int8
            FROM rate_limits WHERE key = \(key) AND paused_until > clock_timestamp()
            """
        ).rows
        guard let micros = try rows.first?.decode(Int64.self, at: 0), micros > 0 else { return nil }
        return .microseconds(micros)
    }

    /// - Returns: When calls may start again (`paused_until`).
    /// - Throws: ``UnknownRateLimitError`` when there is no such budget, or ``PostgresError``.
    @discardableResult
    public func pause(key: String, for pause: Duration, throttled: Bool = true) async throws -> Timestamp {
        try await self.pauseObserved(key: key, for: pause, throttled: throttled).pausedUntil
    }

    /// ``pause(key:for:throttled:)`` returning the database's inputs too.
    func pauseObserved(key: String, for pause: Duration, throttled: Bool = true) async throws -> PauseObservation {
        let pauseMicroseconds = max(0, pause.wholeMicroseconds)
        let result = try await self.pool.query(
            """
            WITH locked AS MATERIALIZED (
                SELECT key, tat, paused_until, emission_interval * (burst - 1) AS tolerance
                FROM rate_limits WHERE key = \(key) FOR UPDATE
            ), clocked AS MATERIALIZED (
                SELECT locked.*, clock_timestamp() AS now, \(pauseMicroseconds) * interval '1 microsecond' AS pause
                FROM locked
            )
            UPDATE rate_limits AS r
            SET tat = GREATEST(c.tat, c.now + c.pause + c.tolerance),
                paused_until = GREATEST(c.paused_until, c.now + c.pause),
                throttled_total = r.throttled_total + \(throttled ? 1 : 0),
                updated_at = c.now
            FROM clocked c
            WHERE r.key = c.key
            RETURNING \(unescaped: microsecondsSQL("c.now")), \(unescaped: microsecondsSQL("r.tat")),
                \(unescaped: microsecondsSQL("r.paused_until"))
            """
        )
        guard let row = result.first else { throw UnknownRateLimitError(key: key) }
        let (now, tat, pausedUntil) = try row.decode((Int64, Int64, Int64).self)
        return PauseObservation(
            now: Timestamp(microsecondsSince1970: now),
            tat: Timestamp(microsecondsSince1970: tat),
            pausedUntil: Timestamp(microsecondsSince1970: pausedUntil)
        )
    }
}
