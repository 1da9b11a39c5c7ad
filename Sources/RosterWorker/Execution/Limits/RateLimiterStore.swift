import RosterCore
import RosterPostgres

/// The shared rate limiters: one budget per vendor credential in `rate_limits`, used by every
/// worker process (DESIGN.md, "Respect vendors"). A budget has one GCRA row per window
/// (``RateBudget``): the first window's row is keyed by the budget's key, the others by
/// `key#2`, `key#3`, … (``windowKeys(_:count:)``), so the table needs no other column.
///
/// Each call is one statement that runs the arithmetic of ``RateBudget`` (its specification) on
/// the rows, using the database's clock so that every process agrees on "now":
///
/// ```swift
/// let limits = RateLimiterStore(pool: pool)
/// try await limits.ensure(key: key, vendor: "posthog", budget: vendor.effectiveBudget)
/// switch try await limits.reserve(key: key, horizon: .seconds(2)) {
/// case .reserved(let wait, _): try await Task.sleep(for: wait)   // then call the vendor
/// case .busy(let retryAfter): …                                  // nothing was taken
/// }
/// ```
///
/// - A reservation locks the budget's rows in key order (`SELECT … ORDER BY key FOR UPDATE`
///   inside the statement) before it reads the clock, so concurrent reservers are serialised in
///   clock order, none decides on a stale "now", and none deadlocks another. It takes a slot in
///   every window or, when any window's slot is beyond the horizon, in none.
/// - ``pause(key:for:throttled:)`` (a 429) moves every window so that no process gets a slot
///   before `now + pause`, and records `paused_until` for operators.
/// - Keys name a credential, never hold it: `openai https://api.openai.com/v1 OPENAI_ADMIN_KEY`
///   (see ``VendorInstance/limiterKey(kind:baseURL:apiKeyEnv:)``).
public struct RateLimiterStore: Sendable {
    /// Where the budgets live.
    public let pool: PostgresPool

    /// - Parameter pool: The database holding `rate_limits`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The most windows a budget may have (``RateBudget/maximumWindows``).
    static let maximumWindows = RateBudget.maximumWindows

    /// The row keys of a budget's windows: `key`, `key#2`, … `key#<count>`.
    public static func windowKeys(_ key: String, count: Int) -> [String] {
        (0..<count).map { $0 == 0 ? key : "\(key)#\($0 + 1)" }
    }

    /// The window a row key belongs to (0 for `key`, 1 for `key#2`, …).
    static func windowIndex(of rowKey: String, in key: String) -> Int {
        rowKey == key ? 0 : (Int(rowKey.dropFirst(key.count + 1)) ?? 1) - 1
    }

    // MARK: - Budgets

    /// Creates the budget `key` with one row per window, or updates their vendor, interval and
    /// burst when they changed, and deletes the rows of windows no longer configured. Existing
    /// windows keep their TAT and pause, so restarting workers never grants a fresh burst.
    ///
    /// The first window's interval may have been learned from the vendor's headers
    /// (``learn(key:advertised:raiseInterval:at:)``): it is kept while the configuration (interval,
    /// learning bound, burst) is unchanged, and starts again from the configured figure when it
    /// changes.
    ///
    /// - Parameters:
    ///   - key: The budget's name (one per vendor credential).
    ///   - vendor: The vendor instance it belongs to, for status output.
    ///   - budget: The windows (at most ``maximumWindows``).
    ///   - learning: How far the first window may learn; `nil` means not above its configured rate.
    /// - Throws: ``PostgresError``.
    public func ensure(key: String, vendor: String, budget: RateBudget, learning: LearnedBudget? = nil) async throws {
        let keys = Self.windowKeys(key, count: budget.windows.count)
        let candidates = Self.windowKeys(key, count: Self.maximumWindows)
        let intervals = budget.windows.map(\.emissionInterval.microseconds)
        var minimums = intervals
        if let learning { minimums[0] = min(intervals[0], max(1, learning.shortestInterval.microseconds)) }
        let bursts = budget.windows.map { Int32(clamping: $0.burst) }
        try await self.pool.execute(
            """
            WITH removed AS (
                DELETE FROM rate_limits WHERE key = ANY(\(candidates)::text[]) AND key <> ALL(\(keys)::text[])
            )
            INSERT INTO rate_limits AS r
                (key, vendor, tat, emission_interval, configured_interval, minimum_interval, burst, updated_at)
            SELECT w.key, \(vendor), clock_timestamp(), w.interval_us * interval '1 microsecond',
                w.interval_us * interval '1 microsecond', w.minimum_us * interval '1 microsecond', w.burst, clock_timestamp()
            FROM unnest(\(keys)::text[], \(intervals)::int8[], \(minimums)::int8[], \(bursts)::int4[])
                AS w(key, interval_us, minimum_us, burst)
            ORDER BY w.key
            ON CONFLICT (key) DO UPDATE
            SET vendor = excluded.vendor,
                emission_interval = CASE
                    WHEN (r.configured_interval, r.minimum_interval, r.burst)
                        IS DISTINCT FROM (excluded.configured_interval, excluded.minimum_interval, excluded.burst)
                    THEN excluded.emission_interval ELSE r.emission_interval END,
                raised_at = CASE
                    WHEN (r.configured_interval, r.minimum_interval, r.burst)
                        IS DISTINCT FROM (excluded.configured_interval, excluded.minimum_interval, excluded.burst)
                    THEN NULL ELSE r.raised_at END,
                configured_interval = excluded.configured_interval, minimum_interval = excluded.minimum_interval,
                burst = excluded.burst, updated_at = excluded.updated_at
            WHERE (r.vendor, r.configured_interval, r.minimum_interval, r.burst)
                IS DISTINCT FROM (excluded.vendor, excluded.configured_interval, excluded.minimum_interval, excluded.burst)
            """
        )
    }

    /// ``ensure(key:vendor:budget:)`` for a budget of one window.
    public func ensure(key: String, vendor: String, rate: GCRA) async throws {
        try await self.ensure(key: key, vendor: vendor, budget: RateBudget(rate))
    }

    // MARK: - Reservations

    /// Takes the next slot of budget `key` in all its windows if it starts within `horizon`
    /// (``RateBudget/decide(tats:now:horizon:)``, honouring `paused_until`).
    ///
    /// - Parameters:
    ///   - key: The budget (created by ``ensure(key:vendor:budget:)``).
    ///   - horizon: The longest wait this caller accepts.
    /// - Returns: ``RateBudget/Decision/reserved(wait:newTATs:)``: sleep `wait`, then call (the
    ///   slot is taken in every window); or ``RateBudget/Decision/busy(retryAfter:)``: nothing
    ///   was taken.
    /// - Throws: ``UnknownRateLimitError`` when there is no such budget, or ``PostgresError``.
    public func reserve(key: String, horizon: Duration) async throws -> RateBudget.Decision {
        try await self.reserveObserved(key: key, horizon: horizon).decision
    }

    /// A reservation with the inputs the database decided on, so tests can replay it on
    /// ``RateBudget``.
    struct Observation: Sendable, Hashable {
        /// The database clock (or the injected time) when the rows were locked.
        var now: Timestamp
        /// Each window's TAT before the decision, in window order.
        var previousTATs: [Timestamp]
        /// The decision.
        var decision: RateBudget.Decision

        /// The first window's TAT before the decision.
        var previousTAT: Timestamp { previousTATs[0] }

        /// When the reserved slot starts, on the database clock.
        var slot: Timestamp? { decision.wait.map { now.adding($0) } }
    }

    /// ``reserve(key:horizon:)`` returning the database's inputs too.
    ///
    /// - Parameter now: The time to decide at instead of the database clock (tests only; keep
    ///   it non-decreasing).
    func reserveObserved(key: String, horizon: Duration, at now: Timestamp? = nil) async throws -> Observation {
        let horizonMicroseconds = max(0, horizon.microseconds)
        let horizon = Duration.microseconds(horizonMicroseconds)
        let keys = Self.windowKeys(key, count: Self.maximumWindows)
        // `locked` waits for the row locks, taken in key order; only then does `clock` read the
        // clock, once for all windows (an aggregate over `locked`, so after it). The slot is the
        // latest of the windows' earliest slots, and every window records the call at that
        // slot, or none does. `complete` is false without the first window's row (an operator
        // deleted the budget): then nothing is written and the caller hears of an unknown budget.
        let result = try await self.pool.query(
            """
            WITH locked AS MATERIALIZED (
                SELECT key, tat, paused_until, emission_interval, emission_interval * (burst - 1) AS tolerance
                FROM rate_limits WHERE key = ANY(\(keys)::text[]) ORDER BY key FOR UPDATE
            ), clock AS MATERIALIZED (
                SELECT COALESCE(\(now)::timestamptz, clock_timestamp()) AS now,
                       bool_or(key = \(key)) AS complete
                FROM locked
            ), based AS (
                SELECT l.*, c.now, GREATEST(l.tat, c.now, l.paused_until + l.tolerance) AS base
                FROM locked l CROSS JOIN clock c WHERE c.complete
            ), decided AS (
                SELECT b.*, max(GREATEST(b.now, b.base - b.tolerance)) OVER () - b.now AS wait FROM based b
            )
            UPDATE rate_limits AS r
            SET tat = CASE WHEN d.wait <= \(horizon)::interval
                           THEN GREATEST(d.base, d.now + d.wait) + d.emission_interval ELSE d.tat END,
                updated_at = d.now
            FROM decided d
            WHERE r.key = d.key
            RETURNING r.key, d.wait <= \(horizon)::interval AS reserved, d.now, d.tat AS previous, r.tat, d.wait
            """
        )
        var rows: [(window: Int, reserved: Bool, now: Int64, previous: Int64, tat: Int64, wait: Int64)] = []
        for row in result {
            rows.append(
                (
                    Self.windowIndex(of: try row.decode(String.self, column: "key"), in: key),
                    try row.decode(Bool.self, column: "reserved"),
                    try row.decode(Timestamp.self, column: "now").microsecondsSince1970,
                    try row.decode(Timestamp.self, column: "previous").microsecondsSince1970,
                    try row.decode(Timestamp.self, column: "tat").microsecondsSince1970,
                    try row.decode(Duration.self, column: "wait").microseconds
                ))
        }
        rows.sort { $0.window < $1.window }
        guard let first = rows.first else { throw UnknownRateLimitError(key: key) }
        let decision: RateBudget.Decision =
            first.reserved
            ? .reserved(wait: .microseconds(first.wait), newTATs: rows.map { Timestamp(microsecondsSince1970: $0.tat) })
            : .busy(retryAfter: .microseconds(first.wait - horizonMicroseconds))
        return Observation(
            now: Timestamp(microsecondsSince1970: first.now),
            previousTATs: rows.map { Timestamp(microsecondsSince1970: $0.previous) },
            decision: decision
        )
    }
}
