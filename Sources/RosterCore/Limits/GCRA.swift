/// The Generic Cell Rate Algorithm with reservations: one timestamp per budget, the theoretical
/// arrival time (TAT), so a single Postgres row shared by every worker process is the whole state.
///
/// With emission interval `T = 1 / rate` and burst `b`, a caller may take the next slot when it
/// starts no later than `horizon` from now; the slot starts at `max(TAT, now) − (b − 1)·T`.
/// Reserving instead of rejecting lets callers sleep exactly until their slot (no polling, no
/// thundering herd), and a per-priority `horizon` lets leavers reserve when joiners are told to
/// come back later: the budget goes to offboarding first when a vendor is saturated.
///
/// The worker runs the same arithmetic in one `UPDATE … RETURNING`; this type is its
/// specification and is what the tests check the SQL against.
public struct GCRA: Sendable, Hashable {
    /// `T`: the time one call takes from the budget, the inverse of the sustained rate, in whole
    /// microseconds.
    public var emissionInterval: Duration
    /// `b`: how many calls an idle budget lets go at once (at least 1).
    public var burst: Int

    /// A budget of `requestsPerSecond` sustained with `burst` at once; `T` is rounded to the nearest
    /// microsecond.
    ///
    /// - Important: Needs `requestsPerSecond > 0` and `burst ≥ 1`; traps otherwise.
    public init(requestsPerSecond: Double, burst: Int) {
        precondition(requestsPerSecond > 0 && burst >= 1)
        self.emissionInterval = .microseconds(Int64((1_000_000 / requestsPerSecond).rounded()))
        self.burst = burst
    }

    /// A window of the kind vendors publish: at most `limit` calls in any `period` (a sliding
    /// log, as PostHog's Django REST framework throttles count), with up to `burst` at once.
    ///
    /// GCRA admits at most `burst + k` calls in any span shorter than `(k + 1)·T`, so with the
    /// emission interval `T = period / (limit − burst + 1)`, rounded *up* to the microsecond,
    /// no `period` ever holds more than `limit`. `burst` trades against the sustained rate, which is
    /// `(limit − burst + 1) / period` (`burst = limit` would leave one call per `period`).
    ///
    /// - Important: Needs `limit ≥ 1`, `1 ≤ burst ≤ limit` and a period of at least a microsecond.
    public init(limit: Int, per period: Duration, burst: Int) {
        precondition(limit >= 1 && burst >= 1 && burst <= limit)
        let periodMicroseconds = period.microseconds
        precondition(periodMicroseconds >= 1)
        let slots = Int64(limit - burst + 1)
        self.emissionInterval = .microseconds((periodMicroseconds + slots - 1) / slots)
        self.burst = burst
    }

    /// `(b − 1)·T`: how far ahead of the TAT a slot may start.
    public var tolerance: Duration { emissionInterval * (burst - 1) }

    /// The answer of ``decide(tat:now:horizon:)``.
    public enum Decision: Sendable, Hashable {
        /// Go after waiting this long (zero: now). The new TAT must be stored.
        case reserved(wait: Duration, newTAT: Timestamp)
        /// The next slot is beyond the horizon: nothing was taken; ask again after this long.
        case busy(retryAfter: Duration)
    }

    /// Decides one request.
    /// - Parameters:
    ///   - tat: the stored theoretical arrival time (`nil` for a fresh budget).
    ///   - now: the current time (the database's clock, so all processes agree).
    ///   - horizon: the longest wait this caller accepts a reservation for.
    public func decide(tat: Timestamp?, now: Timestamp, horizon: Duration) -> Decision {
        let base = max(tat ?? now, now)
        let slot = max(now, base.adding(.zero - tolerance))
        let wait = slot.duration(since: now)
        guard wait <= horizon else { return .busy(retryAfter: wait - horizon) }
        return .reserved(wait: wait, newTAT: base.adding(emissionInterval))
    }

    /// A 429 or `Retry-After`: no slot before `now + pause`, for every process.
    public func paused(tat: Timestamp?, now: Timestamp, pause: Duration) -> Timestamp {
        max(tat ?? now, now.adding(pause).adding(tolerance))
    }
}
