import Foundation
import RosterPostgres
import RosterTesting
import Testing

@Suite(.requiresPostgres, .timeLimit(.minutes(10)))
struct MigratorTests {
    static let migrations = [
        Migration(version: 1, name: "applications", sql: "CREATE TABLE applications (version int NOT NULL);"),
        Migration(
            version: 2,
            name: "slow",
            sql: """
                INSERT INTO applications VALUES (2);
                SELECT pg_sleep(0.2);
                CREATE TABLE jobs (id uuid PRIMARY KEY, status text NOT NULL);
                """
        ),
        Migration(
            version: 3,
            name: "index",
            sql: "INSERT INTO applications VALUES (3); CREATE INDEX ON jobs (status);"
        ),
    ]

    @Test func twoMigratorsAtOnceApplyEachMigrationOnce() async throws {
        try await TestDatabase.withFreshDatabase { url async throws in
            let configuration = try PostgresConfiguration(url: url)
            let first = PostgresPool(configuration: configuration, size: 2, logger: TestDatabase.logger)
            let second = PostgresPool(configuration: configuration, size: 2, logger: TestDatabase.logger)
            defer {
                first.close()
                second.close()
            }
            async let appliedByFirst = Migrator(migrations: Self.migrations, logger: TestDatabase.logger).migrate(first)
            async let appliedBySecond = Migrator(migrations: Self.migrations, logger: TestDatabase.logger).migrate(
                second
            )
            let (a, b) = try await (appliedByFirst, appliedBySecond)
            #expect((a + b).sorted() == [1, 2, 3])
            #expect(Set(a).isDisjoint(with: b))
            #expect(try await first.query("SELECT version FROM applications ORDER BY 1").decode(Int.self) == [2, 3])
            let recorded = try await first.query(
                "SELECT version, name, checksum FROM schema_migrations ORDER BY version"
            )
            let rows = try recorded.decode((Int, String, String).self)
            #expect(rows.map(\.0) == [1, 2, 3])
            #expect(rows.map(\.1) == ["applications", "slow", "index"])
            #expect(rows.map(\.2) == Self.migrations.map(\.checksum))
            // A third run finds nothing to do.
            let migrator = Migrator(migrations: Self.migrations, logger: TestDatabase.logger)
            #expect(try await migrator.migrate(first).isEmpty)
            #expect(try await migrator.pending(first).isEmpty)
            #expect(try await migrator.currentVersion(first) == 3)
        }
    }

    @Test func pendingAndCurrentVersionBeforeAndAfter() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            let migrator = Migrator(migrations: Self.migrations, logger: TestDatabase.logger)
            #expect(try await migrator.currentVersion(pool) == nil)
            #expect(try await migrator.pending(pool).map(\.version) == [1, 2, 3])
            let partial = Migrator(migrations: Array(Self.migrations.prefix(1)), logger: TestDatabase.logger)
            #expect(try await partial.migrate(pool) == [1])
            #expect(try await migrator.currentVersion(pool) == 1)
            #expect(try await migrator.pending(pool).map(\.version) == [2, 3])
            #expect(try await migrator.migrate(pool) == [2, 3])
            // An older program (knowing only migration 1) tolerates the newer schema.
            #expect(try await partial.migrate(pool).isEmpty)
        }
    }

    @Test func changedAppliedMigrationIsAnError() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            _ = try await Migrator(migrations: Self.migrations, logger: TestDatabase.logger).migrate(pool)
            var changed = Self.migrations
            changed[1].sql += "\nCREATE TABLE sneaky (id int);"
            let migrator = Migrator(migrations: changed, logger: TestDatabase.logger)
            for attempt in [{ _ = try await migrator.migrate(pool) }, { _ = try await migrator.pending(pool) }] {
                do {
                    try await attempt()
                    Issue.record("expected a checksum error")
                } catch let error as PostgresError {
                    #expect(error.code == .migration)
                    #expect(error.description.contains("0002_slow was changed after it was applied"))
                }
            }
            #expect(try await pool.query("SELECT to_regclass('sneaky') IS NULL").singleValue(Bool.self) == true)
        }
    }

    @Test func failedMigrationLeavesNoTraceAndIsRetried() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            var broken = Self.migrations
            broken[1].sql = "CREATE TABLE half (id int); INSERT INTO nowhere VALUES (1);"
            do {
                _ = try await Migrator(migrations: broken, logger: TestDatabase.logger).migrate(pool)
                Issue.record("expected the migration to fail")
            } catch let error as PostgresError {
                #expect(error.code == .migration)
                #expect(error.sqlState == .undefinedTable)
                #expect(error.description.contains("migration 0002_slow failed"))
            }
            let migrator = Migrator(migrations: Self.migrations, logger: TestDatabase.logger)
            #expect(try await migrator.currentVersion(pool) == 1)
            #expect(try await pool.query("SELECT to_regclass('half') IS NULL").singleValue(Bool.self) == true)
            #expect(try await migrator.migrate(pool) == [2, 3])
        }
    }

    @Test func invalidMigrationListsAreRejected() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            let gap = Migrator(migrations: [Self.migrations[0], Self.migrations[2]], logger: TestDatabase.logger)
            await #expect { try await gap.migrate(pool) } throws: { error in
                (error as? PostgresError)?.description.contains("without gaps") == true
            }
            let duplicate = Migrator(migrations: [Self.migrations[0], Self.migrations[0]], logger: TestDatabase.logger)
            await #expect { try await duplicate.migrate(pool) } throws: { error in
                (error as? PostgresError)?.description.contains("two migrations have version 1") == true
            }
        }
    }
}

/// Loading migrations from files (no server).
@Suite struct MigrationLoadTests {
    private func withDirectory(_ files: [String: String], _ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, text) in files {
            try text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
        }
        try body(directory)
    }

    @Test func loadsFilesInVersionOrder() throws {
        try withDirectory([
            "0002_add_jobs.sql": "CREATE TABLE jobs ();", "0001_init.sql": "SELECT 1;", "README.md": "not SQL",
            "0010_ten.sql": "SELECT 10;", "0003_c.sql": "", "0004_d.sql": "", "0005_e.sql": "", "0006_f.sql": "",
            "0007_g.sql": "", "0008_h.sql": "", "0009_i-j.sql": "",
        ]) { directory in
            let migrations = try Migration.load(directory: directory)
            #expect(migrations.map(\.version) == Array(1...10))
            #expect(migrations[1].name == "add_jobs" && migrations[1].sql == "CREATE TABLE jobs ();")
            #expect(migrations[8].name == "i-j")
            #expect(migrations[1].description == "0002_add_jobs")
        }
    }

    @Test(arguments: [
        (["0001_a.sql": "", "1_b.sql": ""], "both have version 1"),
        (["0001_a.sql": "", "0003_c.sql": ""], "expected 2, found 3"),
        (["0002_b.sql": ""], "expected 1, found 2"),
        (["0001_a.sql": "", "0002 b.sql": ""], "is not named NNNN_name.sql"),
        (["0001_a.sql": "", "x_0002.sql": ""], "is not named NNNN_name.sql"),
        (["0001_.sql": ""], "is not named NNNN_name.sql"),
    ])
    func rejectsBadDirectories(files: [String: String], message: String) throws {
        try withDirectory(files) { directory in
            #expect {
                try Migration.load(directory: directory)
            } throws: { error in
                guard let error = error as? PostgresError else { return false }
                return error.code == .migration && error.description.contains(message)
            }
        }
    }

    @Test func lineEndingsDoNotChangeTheChecksum() {
        let unix = Migration(version: 1, name: "a", sql: "CREATE TABLE a (id int);\nSELECT 1;\n")
        let windows = Migration(version: 1, name: "a", sql: "CREATE TABLE a (id int);\r\nSELECT 1;\r\n")
        let edited = Migration(version: 1, name: "a", sql: "CREATE TABLE a (id int8);\nSELECT 1;\n")
        #expect(unix.checksum == windows.checksum)
        #expect(unix.checksum != edited.checksum)
        #expect(unix.checksum.hasPrefix("fnv1a64:") && unix.checksum.count == 24)
    }

    @Test func missingDirectoryIsAClearError() {
        #expect {
            try Migration.load(directory: "/nonexistent/migrations")
        } throws: { error in
            (error as? PostgresError)?.description.contains("cannot read the migrations directory") == true
        }
    }
}
