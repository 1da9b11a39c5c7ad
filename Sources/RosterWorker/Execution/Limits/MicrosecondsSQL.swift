import RosterCore

// Limits keep time in whole microseconds (`Duration.microseconds`), the resolution of
// PostgreSQL's `timestamptz` and `interval` and of ``Timestamp``, so the SQL and the pure
// ``GCRA`` compute with the same numbers.

/// SQL text converting a `timestamptz` or `interval` expression to whole microseconds as `int8`
/// (since 1970 for timestamps), exact because `extract` returns `numeric`.
///
/// - Important: `expression` is spliced into SQL: only pass text the program wrote itself.
func microsecondsSQL(_ expression: String) -> String {
    "(extract(epoch FROM \(expression)) * 1000000)::int8"
}
