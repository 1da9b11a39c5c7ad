/// Every conversion of a `Duration` the application layer needs, in one place.
///
/// Whole units truncate towards zero, as `components` does; microseconds are the resolution of
/// PostgreSQL's `timestamptz` and `interval` and of ``Timestamp``, so SQL and the pure limiters
/// compute with the same numbers. (The Kafka and Postgres wrappers keep their own conversions for
/// their C APIs: they do not depend on this module.)
extension Duration {
    /// Whole microseconds, truncated towards zero.
    public var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    /// Whole milliseconds, truncated towards zero.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }

    /// Whole nanoseconds, saturating at the bounds of `Int64`.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product + attoseconds / 1_000_000_000
    }

    /// The duration in seconds, as a `Double`.
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Seconds to the millisecond for logs and messages: `"1.5s"`.
    public var secondsDescription: String {
        "\(Double(milliseconds) / 1_000)s"
    }
}
