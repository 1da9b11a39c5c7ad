/// A rate limiter budget that does not exist: ``RateLimiterStore/ensure(key:vendor:budget:)`` was
/// never called for it (or an operator deleted it).
public struct UnknownRateLimitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The budget's key (names a credential, never holds it).
    public var key: String

    public init(key: String) {
        self.key = key
    }

    public var description: String {
        "no rate limit budget '\(key)' (rate_limits has no such row)"
    }
}
