/// A rate limiter made of one or more ``GCRA`` windows that must all admit a call: PostHog's
/// 480 per minute *and* 4,800 per hour, for instance. Each window keeps its own TAT (one row
/// each in Postgres), and a reservation takes a slot in every window or in none.
///
/// The slot is the latest of the windows' earliest slots; every window then records the call at
/// that slot (`TAT ← max(TAT, now, slot) + T`), so a window that would have admitted earlier is
/// not charged for a time the call never went. With one window this is exactly
/// ``GCRA/decide(tat:now:horizon:)``.
///
/// The worker runs this arithmetic in one SQL statement over the budget's rows; this type is its
/// specification.
public struct RateBudget: Sendable, Hashable {
    /// The windows, in the order their rows are keyed (the first is the budget's own key).
    public var windows: [GCRA]

    /// The most windows a budget may have: every reservation locks one row per window.
    public static let maximumWindows = 8

    /// - Parameter windows: One to ``maximumWindows`` windows.
    public init(windows: [GCRA]) {
        precondition((1...Self.maximumWindows).contains(windows.count), "a rate budget needs 1 to 8 windows")
        self.windows = windows
    }

    /// A budget of one window.
    public init(_ window: GCRA) {
        self.init(windows: [window])
    }

    /// The answer of ``decide(tats:now:horizon:)``.
    public enum Decision: Sendable, Hashable {
        /// Go after waiting this long (zero: now). Every window's new TAT must be stored.
        case reserved(wait: Duration, newTATs: [Timestamp])
        /// Some window's next slot is beyond the horizon: nothing was taken in any window; ask
        /// again after this long.
        case busy(retryAfter: Duration)

        /// The wait of a reservation, `nil` when busy.
        public var wait: Duration? {
            guard case .reserved(let wait, _) = self else { return nil }
            return wait
        }
    }

    /// Decides one request across every window.
    /// - Parameters:
    ///   - tats: Each window's stored TAT (`nil` for a fresh one), in ``windows`` order.
    ///   - now: The current time (the database's clock).
    ///   - horizon: The longest wait this caller accepts a reservation for.
    public func decide(tats: [Timestamp?], now: Timestamp, horizon: Duration) -> Decision {
        precondition(tats.count == windows.count, "one TAT per window")
        let bases = tats.map { max($0 ?? now, now) }
        var slot = now
        for (window, base) in zip(windows, bases) {
            slot = max(slot, base.adding(.zero - window.tolerance))
        }
        let wait = slot.duration(since: now)
        guard wait <= horizon else { return .busy(retryAfter: wait - horizon) }
        return .reserved(wait: wait, newTATs: zip(windows, bases).map { max($1, slot).adding($0.emissionInterval) })
    }

    /// A 429 or `Retry-After`: no slot before `now + pause` in any window
    /// (``GCRA/paused(tat:now:pause:)`` for each), so calls resume at the slowest window's
    /// sustained rate.
    public func paused(tats: [Timestamp?], now: Timestamp, pause: Duration) -> [Timestamp] {
        precondition(tats.count == windows.count, "one TAT per window")
        return zip(windows, tats).map { $0.paused(tat: $1, now: now, pause: pause) }
    }
}
