import Logging

/// Applies ``Migration``s to a database, each once, in version order, and records them in
/// `schema_migrations` (`version`, `name`, `checksum`, `applied_at`).
///
/// - Every migration runs in its own transaction together with its `schema_migrations` row, so
///   a failed migration leaves no trace and the next run retries it.
/// - Every transaction first takes a transaction-scoped advisory lock
///   (`pg_advisory_xact_lock(Migrator.advisoryLockKey)`), so processes starting at once are
///   safe: the second waits, then sees the migrations applied and skips them.
/// - A migration whose SQL changed after it was applied (its ``Migration/checksum`` differs), a
///   recorded migration missing from the list, and a pending migration older than an applied one
///   are errors. Versions newer than the list (a newer release already migrated the database)
///   are logged and tolerated.
///
/// `schema_migrations` is created by the migrator itself.
public struct Migrator: Sendable {
    /// The advisory lock key all Roster migrators share (`"RosterMg"` in ASCII).
    public static let advisoryLockKey: Int64 = 0x526F_7374_6572_4D67

    /// The migrations, sorted by version.
    public let migrations: [Migration]
    let logger: Logger

    /// A migrator for `migrations` (in any order; they are sorted by version and checked when
    /// migrating).
    public init(migrations: [Migration], logger: Logger = Logger(label: "roster.postgres.migrations")) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Applies every pending migration.
    ///
    /// - Returns: The versions this call applied, in order (empty when the database was up to date).
    /// - Throws: ``PostgresError`` with code ``PostgresError/Code/migration`` for an invalid
    ///   migration list, a changed or missing applied migration, or a migration whose SQL failed
    ///   (with the server's SQLSTATE); or a connection/pool error.
    public func migrate(_ pool: PostgresPool) async throws -> [Int] {
        let pending = try await self.pending(pool)
        var applied: [Int] = []
        for migration in pending {
            let clock = ContinuousClock()
            let start = clock.now
            if try await self.apply(migration, pool: pool) {
                applied.append(migration.version)
                self.logger.info(
                    "applied migration",
                    metadata: [
                        "migration.version": "\(migration.version)", "migration.name": "\(migration.name)",
                        "migration.duration": "\(clock.now - start)",
                    ]
                )
            }
        }
        return applied
    }

    /// The migrations not applied yet, after checking the applied ones against the list.
    ///
    /// - Throws: as ``migrate(_:)``.
    public func pending(_ pool: PostgresPool) async throws -> [Migration] {
        try Migration.checkSequence(self.migrations)
        let recorded = try await self.inTransaction(pool) { connection in
            try await self.lockAndBootstrap(connection)
            return try await self.recordedMigrations(connection)
        }
        try self.verify(recorded)
        let pending = self.migrations.filter { recorded[$0.version] == nil }
        if let first = pending.first, let newest = recorded.keys.max(), newest > first.version {
            throw Migration.error("migration \(first) is pending but the newer version \(newest) is already applied")
        }
        return pending
    }

    /// The highest applied version, or `nil` when none is (or `schema_migrations` does not exist).
    ///
    /// - Throws: a connection or pool error.
    public func currentVersion(_ pool: PostgresPool) async throws -> Int? {
        let exists = try await pool.query("SELECT to_regclass('schema_migrations') IS NOT NULL").singleValue(Bool.self)
        guard exists == true else { return nil }
        return try await pool.query("SELECT max(version) FROM schema_migrations").singleValue(Int?.self) ?? nil
    }

    // MARK: - Steps

    /// Applies one migration unless another process did meanwhile. `true` if this call applied it.
    private func apply(_ migration: Migration, pool: PostgresPool) async throws -> Bool {
        try await self.inTransaction(pool) { connection in
            try await self.lockAndBootstrap(connection)
            let recorded = try await connection.query(
                "SELECT checksum FROM schema_migrations WHERE version = \(migration.version)"
            ).singleValue(String.self)
            if let recorded {
                guard recorded == migration.checksum else {
                    throw Migration.error("migration \(migration) was changed after it was applied (checksum differs)")
                }
                return false
            }
            do {
                try await connection.executeScript(migration.sql)
            } catch var error as PostgresError {
                error.code = .migration
                error.reason = "migration \(migration) failed" + (error.reason.map { ": \($0)" } ?? "")
                throw error
            }
            try await connection.execute(
                """
                INSERT INTO schema_migrations (version, name, checksum)
                VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                """
            )
            return true
        }
    }

    private func lockAndBootstrap(_ connection: PostgresConnection) async throws {
        try await connection.execute("SELECT pg_advisory_xact_lock(\(Self.advisoryLockKey))")
        try await connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version bigint PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """
        )
    }

    private func recordedMigrations(
        _ connection: PostgresConnection
    ) async throws -> [Int: (
        name: String, checksum: String
    )] {
        var recorded: [Int: (name: String, checksum: String)] = [:]
        let result = try await connection.query("SELECT version, name, checksum FROM schema_migrations")
        for (version, name, checksum) in try result.decode((Int, String, String).self) {
            recorded[version] = (name, checksum)
        }
        return recorded
    }

    private func verify(_ recorded: [Int: (name: String, checksum: String)]) throws(PostgresError) {
        let known = Dictionary(uniqueKeysWithValues: self.migrations.map { ($0.version, $0) })
        let newest = self.migrations.last?.version ?? 0
        for (version, entry) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[version] else {
                if version > newest {
                    self.logger.warning(
                        "database has a newer migration than this program knows",
                        metadata: ["migration.version": "\(version)", "migration.name": "\(entry.name)"]
                    )
                    continue
                }
                throw Migration.error("applied migration \(version) (\(entry.name)) is missing from the migration list")
            }
            guard migration.checksum == entry.checksum else {
                throw Migration.error("migration \(migration) was changed after it was applied (checksum differs)")
            }
        }
    }

    /// Runs `body` in a transaction, surfacing the body's own ``PostgresError`` (such as a
    /// migration error) directly rather than wrapped in ``PostgresTransactionError``.
    private func inTransaction<Result: Sendable>(
        _ pool: PostgresPool,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await pool.withTransaction { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let bodyError = error.bodyError {
                throw bodyError
            }
            throw error
        }
    }
}
