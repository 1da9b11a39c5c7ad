import Foundation
import RosterPostgres
import RosterTesting
import Testing

/// Statements on real connections: injection safety, server errors, cancellation, scripts.
@Suite(.requiresPostgres, .timeLimit(.minutes(10)))
struct PostgresStatementTests {
    @Test func injectionAttemptsAreStoredVerbatim() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            try await pool.execute("CREATE TABLE t (id serial PRIMARY KEY, name text NOT NULL)")
            let hostile = "x'); DROP TABLE t; --"
            let backslashes = #"\'; SELECT pg_sleep(10); --\\"#
            #expect(try await pool.execute("INSERT INTO t (name) VALUES (\(hostile)), (\(backslashes))") == 2)
            let names = try await pool.query("SELECT name FROM t ORDER BY id").decode(String.self)
            #expect(names == [hostile, backslashes])
            let exists = try await pool.query("SELECT to_regclass('t') IS NOT NULL").singleValue(Bool.self)
            #expect(exists == true)
            let found = try await pool.query("SELECT count(*) FROM t WHERE name = \(hostile)").singleValue(Int.self)
            #expect(found == 1)
        }
    }

    @Test func uniqueViolationCarriesItsSQLStateAndRedactsValues() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            try await pool.execute("CREATE TABLE users (email text CONSTRAINT users_email_key UNIQUE)")
            let email = "ada.lovelace@example.com"
            try await pool.execute("INSERT INTO users VALUES (\(email))")
            do {
                try await pool.execute("INSERT INTO users VALUES (\(email))")
                Issue.record("expected a unique violation")
            } catch let error as PostgresError {
                #expect(error.sqlState == .uniqueViolation)
                #expect(error.code == .server)
                #expect(!error.isRetryable)
                #expect(error.serverInfo?.constraint == "users_email_key")
                #expect(error.serverInfo?.table == "users")
                #expect(error.serverInfo?.detail?.contains(email) == true)  // the server quotes it…
                #expect(error.description == "PostgreSQL error 23505 (unique_violation)")
                #expect(!error.description.contains(email))  // …but never the description
                #expect(String(reflecting: error).contains("users_email_key"))
                #expect(String(reflecting: error).contains("INSERT INTO users VALUES ($1) [****]"))
            }
        }
    }

    @Test func serverMessagesQuotingInputStayOutOfTheDescription() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            let secret = "not-a-number-078-05-1120"
            do {
                _ = try await pool.query("SELECT \(secret)::int4")
                Issue.record("expected invalid_text_representation")
            } catch let error as PostgresError {
                #expect(error.sqlState == .invalidTextRepresentation)
                #expect(error.serverInfo?.message?.contains(secret) == true)
                #expect(!error.description.contains(secret))
                #expect(!"\(error)".contains(secret))
                #expect(error.query?.description.contains(secret) == false)
            }
        }
    }

    @Test func otherServerErrorsMapToTheirSQLState() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            await #expect { try await pool.query("SELECT * FROM no_such_table") } throws: { error in
                (error as? PostgresError)?.sqlState == .undefinedTable
            }
            await #expect { try await pool.query("SELEC 1") } throws: { error in
                (error as? PostgresError)?.sqlState == .syntaxError
            }
            // The extended protocol runs exactly one statement.
            await #expect { try await pool.query("SELECT 1; SELECT 2") } throws: { error in
                (error as? PostgresError)?.sqlState == .syntaxError
            }
            // The connection stays usable after server errors.
            #expect(try await pool.query("SELECT 1").singleValue(Int32.self) == 1)
        }
    }

    @Test func affectedRowsAndColumnNames() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            try await pool.execute("CREATE TABLE n (v int8)")
            #expect(try await pool.execute("INSERT INTO n SELECT generate_series(1, 5)") == 5)
            #expect(try await pool.execute("UPDATE n SET v = v + 1 WHERE v > \(2)") == 3)
            #expect(try await pool.execute("DELETE FROM n WHERE v = \(Int64(6))") == 1)
            let result = try await pool.query("SELECT v AS value, v * 2 AS doubled FROM n ORDER BY v")
            #expect(result.columnNames == ["value", "doubled"])
            #expect(result.count == 4)
            #expect(result.affectedRows == 4)
            #expect(try result.map { try $0.decode(Int.self, column: "doubled") } == [2, 4, 8, 10])
            #expect(try await pool.execute("CREATE INDEX ON n (v)") == 0)
        }
    }

    @Test func scriptsRunSeveralStatements() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            try await pool.withConnection { connection in
                try await connection.executeScript(
                    """
                    CREATE TABLE a (id int);
                    INSERT INTO a VALUES (1), (2);
                    CREATE TABLE b AS SELECT * FROM a;
                    """
                )
            }
            #expect(try await pool.query("SELECT count(*) FROM b").singleValue(Int.self) == 2)
        }
    }

    @Test func cancellingTheTaskCancelsTheRunningStatement() async throws {
        try await TestDatabase.withFreshPool(size: 1) { pool, url async throws in
            _ = try await pool.query("SELECT 1")  // connected, so the task below only runs the statement
            let observer = PostgresPool(configuration: try PostgresConfiguration(url: url), size: 1)
            defer { observer.close() }
            let clock = ContinuousClock()
            let start = clock.now
            let task = Task {
                try await pool.query("SELECT pg_sleep(30)")
            }
            // Cancel once the server runs the statement (seen from another connection). A cancel
            // before it starts skips it with a CancellationError instead, by design: waiting a
            // fixed 200 ms after the lease once was not enough on a loaded machine.
            while try await observer.query(
                "SELECT count(*)::int8 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'"
            ).singleValue(Int.self) != 1 {
                try await Task.sleep(for: .milliseconds(5))
            }
            task.cancel()
            let result = await task.result
            #expect(clock.now - start < .seconds(10))
            #expect(throws: PostgresError.self) { try result.get() }
            if case .failure(let error as PostgresError) = result {
                #expect(error.sqlState == .queryCanceled)
            }
            // The same (single) connection is reused afterwards.
            #expect(try await pool.query("SELECT 1").singleValue(Int32.self) == 1)
            #expect(pool.statistics.connections == 1)
        }
    }
}
