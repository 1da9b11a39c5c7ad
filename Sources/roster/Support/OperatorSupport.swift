import ArgumentParser
import Foundation
import Logging
import RosterCore
import RosterPostgres
import RosterWorker

/// `--output table|json` for every read command.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

struct OutputOptions: ParsableArguments {
    @Option(help: "table (for people) or json (stable shape, for scripts; see README \"Operating Roster\").")
    var output: OutputFormat = .table

    /// Colour only on a terminal, and never with NO_COLOR set.
    var colour: Bool {
        Terminal.wantsColour(environment: ProcessInfo.processInfo.environment, isTerminal: isatty(STDOUT_FILENO) != 0)
    }

    func emit(table: @autoclosure () -> String, json: @autoclosure () -> JSONValue) {
        write(output == .json ? JSONOutput.render(json()) : table())
    }
}

/// Who acts and why, for every command that changes something.
struct OperatorOptions: ParsableArguments {
    @Option(help: "Why (required; recorded in the audit log).")
    var reason: String

    @Option(name: .customLong("operator"), help: "Who is acting (default: $USER).")
    var operatorName: String?

    func action() throws -> OperatorAction {
        do {
            return try OperatorAction(name: operatorName, reason: reason)
        } catch {
            throw ValidationError(error.message)
        }
    }
}

/// Writes `text` to standard output as is.
func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

extension GlobalOptions {
    /// Runs an operator command against the configured database, turning failures into a clear
    /// message and the documented exit code (1 failure, 2 usage).
    func withOperations<Result>(
        _ body: (PostgresPool, RosterConfiguration, Logger) async throws -> Result
    ) async throws -> Result {
        let configuration = try loadConfiguration()
        let logger = makeLogger(label: "roster.cli")
        let pool: PostgresPool
        do {
            pool = try PostgresPool(
                configuration: PostgresConfiguration(url: configuration.database.url), size: 2,
                acquireTimeout: .seconds(15), logger: logger)
        } catch {
            throw CleanExit.message("database.url: \(error)", code: .failure)
        }
        defer { pool.close() }
        do {
            return try await body(pool, configuration, logger)
        } catch {
            throw Self.operatorFailure(error)
        }
    }

    static func operatorFailure(_ error: any Error) -> any Error {
        if error is ExitCode || error is ValidationError || error is CleanExit { return error }
        var error = error
        if let transaction = error as? PostgresTransactionError, let body = transaction.bodyError { error = body }
        if let failure = error as? OperationsError {
            return CleanExit.message(failure.message, code: failure.code == .invalidArgument ? ExitCode(2) : .failure)
        }
        if let postgres = PostgresError.underlying(error) {
            if postgres.sqlState == .undefinedTable || postgres.sqlState?.rawValue == "42703" {
                return CleanExit.message(
                    "the database schema is older than this roster: run roster migrate", code: .failure)
            }
            if postgres.isConnectionFailure {
                return CleanExit.message(
                    "cannot reach PostgreSQL (database.url / ROSTER_DATABASE_URL): \(postgres)", code: .failure)
            }
            return CleanExit.message("database error: \(postgres)", code: .failure)
        }
        return CleanExit.message("\(error)", code: .failure)
    }
}

extension JobStatus: ExpressibleByArgument {}

/// Filters shared by `jobs list`, `replay` and `cancel`.
struct JobFilterOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Only jobs in this state (\(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))); repeat or comma-separate."
        ))
    var status: [String] = []

    @Option(help: "Only jobs of this type (onboarding, offboarding, changed); repeat or comma-separate.")
    var type: [String] = []

    @Option(help: "Only jobs with a step at this vendor instance, or whose event grants access there.")
    var vendor: String?

    @Option(help: "Only this employee's jobs (HR employee id).")
    var employee: String?

    @Option(help: "Only jobs last changed since: a duration back from now (30m, 2h, 7d) or an RFC 3339 time.")
    var since: String?

    @Option(help: "Only jobs last changed before: a duration back from now or an RFC 3339 time.")
    var until: String?

    func filter(ids: [Int64] = [], limit: Int) throws -> JobFilter {
        do {
            return try JobFilter.parse(
                ids: ids, statuses: status, types: type, vendor: vendor, employee: employee, since: since, until: until,
                limit: limit, now: Timestamp(secondsSince1970: Date().timeIntervalSince1970)
            )
        } catch {
            throw ValidationError(error.message)
        }
    }
}
