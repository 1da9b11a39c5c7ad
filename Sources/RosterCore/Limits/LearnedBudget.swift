/// How a shared budget moves towards the rate a vendor advertises (``AdvertisedLimit``), within
/// the configured maximum: the rule the rate limiter applies to its first window on every
/// response that advertises a rate.
///
/// The **ceiling** is `min(advertised, maximum)`: never above what the vendor advertises, never
/// above `rate.max_requests_per_second` (which defaults to the configured rate, so by default
/// learning only ever lowers a budget).
/// - At or above the ceiling, the budget drops to it at once (the vendor said less; or the
///   maximum was lowered).
/// - Below it, the budget rises halfway towards it, at most once per ``raiseInterval``, and
///   snaps to it when within 1 %: one odd header cannot jump the budget up, and a handful of
///   responses a few seconds apart reach the ceiling.
///
/// Budgets are kept as emission intervals in whole microseconds (the limiter's unit), rounded
/// *up* from a rate, so the rate an interval gives is never above the rate it was made from.
public struct LearnedBudget: Sendable, Hashable {
    /// The shortest emission interval the budget may learn down to: the configured maximum
    /// as the limiter keeps it (positive).
    public var shortestInterval: Duration
    /// The least time between two raises (default 1 s); lowering is never delayed.
    public var raiseInterval: Duration

    /// - Parameters:
    ///   - shortestInterval: The bound as an interval (the configured first window's, when
    ///     learning may only lower the budget); positive.
    ///   - raiseInterval: The least time between two raises.
    public init(shortestInterval: Duration, raiseInterval: Duration = .seconds(1)) {
        precondition(shortestInterval > .zero)
        self.shortestInterval = shortestInterval
        self.raiseInterval = raiseInterval
    }

    /// - Parameters:
    ///   - maximumRequestsPerSecond: The upper bound (`rate.max_requests_per_second`); positive.
    ///   - raiseInterval: The least time between two raises.
    public init(maximumRequestsPerSecond: Double, raiseInterval: Duration = .seconds(1)) {
        precondition(maximumRequestsPerSecond > 0 && maximumRequestsPerSecond.isFinite)
        self.init(
            shortestInterval: Self.emissionInterval(forRequestsPerSecond: maximumRequestsPerSecond),
            raiseInterval: raiseInterval
        )
    }

    /// The most the budget may learn up to, requests per second.
    public var maximumRequestsPerSecond: Double { Self.requestsPerSecond(shortestInterval) }

    /// What one observation did to the budget.
    public enum Change: String, Sendable, Hashable {
        /// Already at the ceiling, or a raise came too soon after the last.
        case unchanged
        /// Dropped to the ceiling.
        case lowered
        /// Moved towards the ceiling (or reached it).
        case raised
    }

    /// The budget after one observation.
    public struct Step: Sendable, Hashable {
        /// The first window's new emission interval.
        public var emissionInterval: Duration
        /// What the observation did: lowered, raised or nothing.
        public var change: Change

        /// The rate the interval gives.
        public var requestsPerSecond: Double { LearnedBudget.requestsPerSecond(emissionInterval) }
    }

    /// The budget after the vendor advertised `advertised` requests per second.
    ///
    /// - Parameters:
    ///   - current: The first window's emission interval now (positive).
    ///   - advertised: The advertised rate (``AdvertisedLimit/requestsPerSecond``); a value that
    ///     is not positive and finite changes nothing.
    ///   - lastRaise: When the budget was last raised, if ever.
    ///   - now: The current time (the database clock).
    public func step(current: Duration, advertised: Double, lastRaise: Timestamp?, now: Timestamp) -> Step {
        guard advertised > 0, advertised.isFinite, current > .zero else {
            return Step(emissionInterval: current, change: .unchanged)
        }
        let floor = ceiling(advertised: advertised)
        let ceiling = Self.requestsPerSecond(floor)
        if current == floor { return Step(emissionInterval: current, change: .unchanged) }
        if current < floor { return Step(emissionInterval: floor, change: .lowered) }
        if let lastRaise, now.duration(since: lastRaise) < raiseInterval {
            return Step(emissionInterval: current, change: .unchanged)
        }
        let rate = Self.requestsPerSecond(current)
        let halfway = rate + (ceiling - rate) / 2
        var next = ceiling - halfway <= ceiling * 0.01 ? floor : Self.emissionInterval(forRequestsPerSecond: halfway)
        if next >= current || next < floor { next = floor }
        return Step(emissionInterval: next, change: .raised)
    }

    /// Where the budget settles while the vendor advertises `advertised` requests per second:
    /// the interval of `min(advertised, maximum)` (`advertised` positive and finite).
    public func ceiling(advertised: Double) -> Duration {
        max(Self.emissionInterval(forRequestsPerSecond: advertised), shortestInterval)
    }

    // MARK: - Units

    /// The longest interval kept: one request a day (no advertised window is longer).
    public static let longestInterval: Duration = .seconds(86_400)

    /// The emission interval for `rate`, in whole microseconds rounded up (so it never gives
    /// more than `rate`), between 1 µs and ``longestInterval``.
    public static func emissionInterval(forRequestsPerSecond rate: Double) -> Duration {
        guard rate > 0, rate.isFinite else { return longestInterval }
        let micros = (1_000_000 / rate).rounded(.up)
        let longest = Double(longestInterval.microseconds)
        return .microseconds(Int64(min(max(micros, 1), longest)))
    }

    /// The rate an emission interval gives (`1 / interval`).
    public static func requestsPerSecond(_ interval: Duration) -> Double {
        let seconds = interval.inSeconds
        return seconds > 0 ? 1 / seconds : .infinity
    }
}
