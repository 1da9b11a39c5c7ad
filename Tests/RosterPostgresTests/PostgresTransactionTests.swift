import RosterPostgres
import RosterTesting
import Testing

@Suite(.requiresPostgres, .timeLimit(.minutes(10)))
struct PostgresTransactionTests {
    struct Boom: Error, Equatable {}

    @Test func commitsWhenTheBodyReturns() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            try await pool.execute("CREATE TABLE t (v text)")
            let value = try await pool.withTransaction { connection in
                try await connection.execute("INSERT INTO t VALUES (\("kept"))")
                return 42
            }
            #expect(value == 42)
            #expect(try await pool.query("SELECT v FROM t").decode(String.self) == ["kept"])
        }
    }

    @Test func rollsBackAndSurfacesTheBodyError() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            try await pool.execute("CREATE TABLE t (v text)")
            do {
                try await pool.withTransaction { connection in
                    try await connection.execute("INSERT INTO t VALUES (\("gone"))")
                    throw Boom()
                }
                Issue.record("expected the transaction to fail")
            } catch let error as PostgresTransactionError {
                #expect(error.bodyError as? Boom == Boom())
                #expect(error.beginError == nil && error.rollbackError == nil && error.commitError == nil)
                #expect(!error.isRetryable)
                #expect(error.description.contains("body threw"))
            }
            #expect(try await pool.query("SELECT count(*) FROM t").singleValue(Int.self) == 0)
            // The connection went back clean: the next transaction works.
            try await pool.withTransaction { try await $0.execute("INSERT INTO t VALUES ('next')") }
            #expect(try await pool.query("SELECT count(*) FROM t").singleValue(Int.self) == 1)
        }
    }

    @Test func serverErrorInTheBodyIsTheBodyError() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            try await pool.execute("CREATE TABLE t (v int PRIMARY KEY)")
            do {
                try await pool.withTransaction { connection in
                    try await connection.execute("INSERT INTO t VALUES (1)")
                    try await connection.execute("INSERT INTO t VALUES (1)")
                }
                Issue.record("expected the transaction to fail")
            } catch let error as PostgresTransactionError {
                #expect((error.bodyError as? PostgresError)?.sqlState == .uniqueViolation)
                #expect(error.postgresError?.sqlState == .uniqueViolation)
                #expect(error.rollbackError == nil)
            }
            #expect(try await pool.query("SELECT count(*) FROM t").singleValue(Int.self) == 0)
        }
    }

    @Test func commitOfAnAbortedTransactionIsACommitError() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            try await pool.execute("CREATE TABLE t (v int PRIMARY KEY)")
            do {
                try await pool.withTransaction { connection in
                    try await connection.execute("INSERT INTO t VALUES (1)")
                    // The body swallows a failed statement: COMMIT then rolls back.
                    _ = try? await connection.execute("INSERT INTO t VALUES (1)")
                }
                Issue.record("expected the commit to fail")
            } catch let error as PostgresTransactionError {
                #expect(error.bodyError == nil)
                #expect((error.commitError as? PostgresError)?.code == .transaction)
            }
            #expect(try await pool.query("SELECT count(*) FROM t").singleValue(Int.self) == 0)
        }
    }

    @Test func nestedTransactionsAreRejected() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            try await pool.withConnection { connection in
                do {
                    try await connection.withTransaction { inner in
                        try await inner.withTransaction { _ in }
                    }
                    Issue.record("expected the nested transaction to fail")
                } catch let error as PostgresTransactionError {
                    let nested = error.bodyError as? PostgresTransactionError
                    #expect((nested?.beginError as? PostgresError)?.code == .transaction)
                }
            }
        }
    }

    @Test func serializationFailuresAreRetryable() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            try await pool.execute("CREATE TABLE counter (v int)")
            try await pool.execute("INSERT INTO counter VALUES (0)")
            try await pool.withConnection { first in
                try await pool.withConnection { second in
                    try await first.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
                    try await second.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
                    _ = try await first.query("SELECT v FROM counter")
                    _ = try await second.query("SELECT v FROM counter")
                    try await first.execute("UPDATE counter SET v = v + 1")
                    try await first.execute("COMMIT")
                    do {
                        try await second.execute("UPDATE counter SET v = v + 1")
                        Issue.record("expected a serialization failure")
                    } catch let error as PostgresError {
                        #expect(error.sqlState == .serializationFailure)
                        #expect(error.isRetryable)
                    }
                    // Returned inside a failed transaction: the pool rolls it back.
                }
            }
            #expect(try await pool.query("SELECT v FROM counter").singleValue(Int32.self) == 1)
            #expect(try await pool.query("SELECT 1").singleValue(Int32.self) == 1)
        }
    }
}
