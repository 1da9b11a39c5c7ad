import Foundation
import Logging
import RosterPostgres

/// The private PostgreSQL server that `ops/test` starts, for integration tests.
///
/// `ops/test` exports:
/// - `ROSTER_TEST_DATABASE_URL`: an admin URL (`postgresql://postgres@127.0.0.1:PORT/roster`);
/// - `ROSTER_TEST_PG_CTL` and `ROSTER_TEST_PG_DIR`: the control script and the server's directory,
///   for ``restartServer()``, ``crashServer()`` and ``startServer()``;
/// - `ROSTER_TEST_REQUIRE_SERVERS=1`: a missing URL is then a failure, not a skip.
///
/// Each test gets a database of its own from ``withFreshDatabase(exclusive:_:)``, so suites run
/// in parallel. Tests that restart or crash the server pass `exclusive: true`: they wait until no
/// other test uses the server and keep the others out meanwhile (``TestDatabaseLock``).
public enum TestDatabase {
    /// The environment variable holding the admin URL.
    public static let urlVariable = "ROSTER_TEST_DATABASE_URL"

    /// The admin URL, if set.
    public static var adminURL: String? {
        guard let url = ProcessInfo.processInfo.environment[urlVariable], !url.isEmpty else { return nil }
        return url
    }

    /// `true` when `ROSTER_TEST_REQUIRE_SERVERS=1`: integration tests must run (and fail when the
    /// server is missing) instead of being skipped.
    public static var isRequired: Bool {
        ProcessInfo.processInfo.environment["ROSTER_TEST_REQUIRE_SERVERS"] == "1"
    }

    /// Whether integration tests should run: the URL is set, or servers are required.
    public static var shouldRun: Bool {
        adminURL != nil || isRequired
    }

    /// A logger for tests: warnings and worse, on stderr.
    public static var logger: Logger {
        var logger = Logger(label: "roster.test.postgres") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        return logger
    }

    /// Creates a uniquely named database, runs `body` with its URL, and drops it afterwards
    /// (`DROP DATABASE … WITH (FORCE)`, which also ends connections the test left open).
    ///
    /// - Parameters:
    ///   - exclusive: `true` for tests that restart or crash the server: they run alone among
    ///     the tests using ``TestDatabase``.
    ///   - body: The test, given the new database's URL.
    /// - Throws: ``TestDatabaseError`` when the URL is missing (only reachable when servers are
    ///   required), a ``PostgresError`` when the database cannot be created, or what `body` throws.
    public static func withFreshDatabase<Result>(
        exclusive: Bool = false,
        _ body: (String) async throws -> Result
    ) async throws -> Result {
        guard let adminURL else {
            throw TestDatabaseError(
                "\(urlVariable) is not set but ROSTER_TEST_REQUIRE_SERVERS=1: run the tests with ops/test"
            )
        }
        return try await TestDatabaseLock.postgres.withLock(exclusive: exclusive) {
            let name = "roster_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try await withAdminConnection(adminURL) { admin in
                try await admin.execute("CREATE DATABASE \(identifier: name)")
            }
            let result: Result
            do {
                result = try await body(try url(adminURL, database: name))
            } catch {
                await dropDatabase(name, adminURL: adminURL)
                throw error
            }
            await dropDatabase(name, adminURL: adminURL)
            return result
        }
    }

    /// `adminURL` with its database name replaced by `database`.
    public static func url(_ adminURL: String, database: String) throws -> String {
        guard let schemeEnd = adminURL.range(of: "://") else {
            throw TestDatabaseError("\(urlVariable) is not a URL")
        }
        let afterScheme = adminURL[schemeEnd.upperBound...]
        let query = afterScheme.firstIndex(of: "?").map { String(afterScheme[$0...]) } ?? ""
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" } ?? afterScheme.endIndex
        let encoded = database.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? database
        return String(adminURL[..<authorityEnd]) + "/" + encoded + query
    }

    @discardableResult
    private static func withAdminConnection<Result>(
        _ adminURL: String,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        var configuration = try PostgresConfiguration(url: adminURL)
        configuration.applicationName = "roster-test-admin"
        let connection = try await PostgresConnection.connect(configuration, logger: logger)
        defer { connection.close() }
        return try await body(connection)
    }

    private static func dropDatabase(_ name: String, adminURL: String) async {
        // After a crash test the server may still be starting: retry briefly.
        for attempt in 1...20 {
            do {
                try await withAdminConnection(adminURL) { admin in
                    try await admin.execute("DROP DATABASE IF EXISTS \(identifier: name) WITH (FORCE)")
                }
                return
            } catch {
                if attempt == 20 {
                    logger.warning(
                        "could not drop test database",
                        metadata: ["database": "\(name)", "error": "\(error)"]
                    )
                }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }
}

/// A test environment problem (missing variable, failed server control command).
public struct TestDatabaseError: Error, CustomStringConvertible {
    /// What is wrong.
    public var description: String

    /// An error with a message.
    public init(_ description: String) {
        self.description = description
    }
}
