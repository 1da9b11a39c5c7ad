import Testing

extension Trait where Self == ConditionTrait {
    /// Runs the test only when a PostgreSQL server is configured (`ROSTER_TEST_DATABASE_URL`),
    /// and otherwise skips it with a message, unless `ROSTER_TEST_REQUIRE_SERVERS=1`: then it
    /// runs and fails loudly in ``TestDatabase/withFreshDatabase(exclusive:_:)``.
    ///
    /// A suite's `.timeLimit` counts the time its tests wait for the shared test-database lock
    /// (``TestDatabaseLock``): behind a test that takes it exclusively, which itself waits for the
    /// long worker-level tests to let go. Suites that use the database therefore give themselves
    /// five minutes: the limit is a guard against hangs, not a measure of speed.
    public static var requiresPostgres: Self {
        .enabled(
            if: TestDatabase.shouldRun,
            "no PostgreSQL: set ROSTER_TEST_DATABASE_URL (ops/test starts a private server and sets it)"
        )
    }
}
