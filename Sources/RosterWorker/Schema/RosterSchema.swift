import Logging
import RosterPostgres

/// Roster's Postgres schema: the migrations (generated from `schemas/migrations/`, see
/// `ops/gen-migrations`) and the names other parts agree on.
public enum RosterSchema {
    /// The channel the ingest service notifies when it creates runnable jobs; executors LISTEN on it.
    public static let jobsChannel = "roster_jobs"

    /// Applies every pending migration; safe when several processes start at once.
    @discardableResult
    public static func migrate(_ pool: PostgresPool, logger: Logger) async throws -> [Int] {
        try await Migrator(migrations: migrations, logger: logger).migrate(pool)
    }
}
