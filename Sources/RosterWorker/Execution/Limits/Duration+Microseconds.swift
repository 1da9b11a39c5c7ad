import RosterCore

// Limits keep time in whole microseconds, the resolution of PostgreSQL's `timestamptz` and
// `interval` and of ``Timestamp``, so the SQL and the pure ``GCRA`` compute with the same numbers.

extension Duration {
    /// Whole microseconds, truncated towards zero.
    var wholeMicroseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    /// `self` in seconds, for log metadata.
    var secondsDescription: String {
        let milliseconds = Double(self.wholeMicroseconds / 1_000) / 1_000
        return "\(milliseconds)s"
    }
}

/// SQL text converting a `timestamptz` or `interval` expression to whole microseconds as `int8`
/// (since 1970 for timestamps), exact because `extract` returns `numeric`.
///
/// - Important: `expression` is spliced into SQL: only pass text the program wrote itself.
func microsecondsSQL(_ expression: String) -> String {
    "(extract(epoch FROM \(expression)) * 1000000)::int8"
}
