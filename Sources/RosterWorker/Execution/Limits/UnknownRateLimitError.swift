/// A rate limiter budget that does not exist: ``RateLimiterStore/ensure(key:vendor:budget:)`` was
/// never called for it (or an operator deleted it).
public struct UnknownRateLimitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The budget's key (names a credential, never holds it).
    public var key: String

    /// The error for the budget row `key` that is missing.
    public init(key: String) {
        self.key = key
    }

    /// Names the key and the `rate_limits` table.
    public var description: String {
        "no rate limit budget '\(key)' (rate_limits has no such row)"
    }
}
