import Foundation
import RosterPostgres
import RosterTesting
import RosterWorker
import Testing

/// The migrations the binary carries are exactly `schemas/migrations/*.sql` (run
/// `ops/gen-migrations` after editing SQL), and they apply once on a real Postgres.
@Suite struct RosterSchemaTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("schemas/migrations")

    @Test func embeddedMigrationsMatchTheSQLFiles() throws {
        let files = try Migration.load(directory: Self.directory.path)
        #expect(RosterSchema.migrations.map(\.version) == files.map(\.version))
        #expect(RosterSchema.migrations.map(\.name) == files.map(\.name))
        #expect(RosterSchema.migrations.map(\.checksum) == files.map(\.checksum), "run ops/gen-migrations")
    }

    @Test(.requiresPostgres) func migrationsApplyOnceAndAreIdempotent() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let first = try await RosterProcess.run(["migrate"], environment: ["ROSTER_DATABASE_URL": url])
            #expect(first.status == 0, "\(first.output)")
            #expect(
                first.output.contains(
                    "applied migrations \(RosterSchema.migrations.map { String($0.version) }.joined(separator: ", "))"))
            let second = try await RosterProcess.run(["migrate"], environment: ["ROSTER_DATABASE_URL": url])
            #expect(second.status == 0)
            #expect(second.output.contains("schema is up to date"))
        }
    }
}
