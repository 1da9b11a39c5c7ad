import ArgumentParser
import RosterCore
import RosterPostgres
import RosterWorker

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations (idempotent; safe when several processes run it at once)."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let configuration = try global.loadConfiguration()
        let logger = global.makeLogger(label: "roster.migrate")
        let pool = try PostgresPool(
            configuration: PostgresConfiguration(url: configuration.database.url), size: 1,
            acquireTimeout: .seconds(30), logger: logger)
        defer { pool.close() }
        do {
            let applied = try await RosterSchema.migrate(pool, logger: logger)
            print(
                applied.isEmpty
                    ? "schema is up to date (version \(RosterSchema.migrations.last?.version ?? 0))"
                    : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
        } catch let error as PostgresError {
            throw CleanExit.message("migration failed: \(error)", code: .failure)
        }
    }
}
