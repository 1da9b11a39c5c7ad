import RosterPostgres

extension TestDatabase {
    /// Runs `body` with a pool on a fresh database (see ``withFreshDatabase(exclusive:_:)``),
    /// closing the pool before the database is dropped.
    ///
    /// - Parameters:
    ///   - size: The pool's size.
    ///   - acquireTimeout: The pool's acquire timeout.
    ///   - exclusive: `true` for tests that restart or crash the server.
    ///   - body: The test, given the pool and the database's URL.
    public static func withFreshPool<Result>(
        size: Int = 4,
        acquireTimeout: Duration = .seconds(10),
        exclusive: Bool = false,
        _ body: (PostgresPool, String) async throws -> Result
    ) async throws -> Result {
        try await withFreshDatabase(exclusive: exclusive) { url in
            let pool = PostgresPool(
                configuration: try PostgresConfiguration(url: url),
                size: size,
                acquireTimeout: acquireTimeout,
                logger: logger
            )
            defer { pool.close() }
            return try await body(pool, url)
        }
    }
}
