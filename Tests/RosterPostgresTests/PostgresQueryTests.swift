import Foundation
import RosterPostgres
import Testing

@Suite struct PostgresQueryTests {
    @Test func interpolatedValuesBecomeNumberedBinds() {
        let email = "ada@example.com"
        let attempts = 3
        let query: PostgresQuery =
            "SELECT * FROM jobs WHERE email = \(email) AND attempts < \(attempts) OR email = \(email)"
        #expect(query.sql == "SELECT * FROM jobs WHERE email = $1 AND attempts < $2 OR email = $3")
        #expect(query.binds.count == 3)
        #expect(query.binds.values.map(\.type) == [.text, .int8, .text])
        #expect(query.binds.values[0].bytes == Array(email.utf8))
        #expect(query.binds.values[1].bytes == [0, 0, 0, 0, 0, 0, 0, 3])
    }

    @Test func aFragmentKeepsItsValuesAndItsPlaceholdersFollowTheQuerys() {
        let voided: PostgresQuery = "(j.status = \("cancelled") AND j.note <> '$1' AND \"$2\" = \(Int32(2)))"
        let query: PostgresQuery =
            "SELECT * FROM jobs j WHERE j.id = \(Int64(7)) AND NOT \(fragment: voided) AND j.owner = \("w")"
        #expect(
            query.sql
                == #"SELECT * FROM jobs j WHERE j.id = $1 AND NOT (j.status = $2 AND j.note <> '$1' AND "$2" = $3) AND j.owner = $4"#
        )
        #expect(query.binds.values.map(\.type) == [.int8, .text, .int4, .text])
        #expect(query.binds.values[1].bytes == Array("cancelled".utf8))
        let commented: PostgresQuery = "x = \(Int64(1)) -- don't $1\n AND /* it's $2 */ y = \(Int64(2))"
        let outer: PostgresQuery = "SELECT \(Int64(0)) WHERE \(fragment: commented)"
        #expect(
            outer.sql == "SELECT $1 WHERE x = $2 -- don't $1\n AND /* it's $2 */ y = $3",
            "comments are left as they are")
        let alone: PostgresQuery = "\(fragment: voided)"
        #expect(alone.sql == voided.sql, "nothing to renumber before it")
    }

    @Test func nilBecomesATypedNull() {
        let missing: String? = nil
        let present: Int32? = 7
        let query: PostgresQuery = "INSERT INTO t VALUES (\(missing), \(present))"
        #expect(query.sql == "INSERT INTO t VALUES ($1, $2)")
        #expect(query.binds.values[0] == PostgresBindings.Value(type: .text, bytes: nil))
        #expect(query.binds.values[1] == PostgresBindings.Value(type: .int4, bytes: [0, 0, 0, 7]))
    }

    @Test func unescapedAndIdentifierSpliceText() {
        let column = "updated_at"
        let table = #"we"ird Table"#
        let query: PostgresQuery = "SELECT \(unescaped: column) FROM \(identifier: table) WHERE id = \(1)"
        #expect(query.sql == #"SELECT updated_at FROM "we""ird Table" WHERE id = $1"#)
        #expect(query.binds.count == 1)
    }

    @Test func quoteIdentifierDoublesQuotesAndDropsNUL() {
        #expect(PostgresQuery.quoteIdentifier("jobs") == #""jobs""#)
        #expect(PostgresQuery.quoteIdentifier(#"a"; DROP TABLE t; --"#) == #""a""; DROP TABLE t; --""#)
        #expect(PostgresQuery.quoteIdentifier("a\0b") == #""ab""#)
    }

    @Test func descriptionsNeverContainBoundValues() {
        let secret = "ada.lovelace@example.com"
        let payload = try? JSONB(encoding: ["ssn": "078-05-1120"])
        let query: PostgresQuery = "UPDATE employees SET email = \(secret), data = \(payload) WHERE id = \(UUID())"
        for text in [query.description, query.debugDescription, "\(query)", String(reflecting: query)] {
            #expect(!text.contains(secret))
            #expect(!text.contains("078-05-1120"))
            #expect(text.contains("****"))
        }
        #expect(query.description == "UPDATE employees SET email = $1, data = $2 WHERE id = $3 [****, ****, ****]")
    }

    @Test func arraysEncodeAsOneDimensionalArrays() {
        let query: PostgresQuery = "SELECT \([Int32(1), 2])::int4[], \([String]())"
        #expect(query.binds.values[0].type == .int4Array)
        #expect(
            query.binds.values[0].bytes == [
                0, 0, 0, 1,  // dimensions
                0, 0, 0, 0,  // no NULLs
                0, 0, 0, 23,  // int4
                0, 0, 0, 2, 0, 0, 0, 1,  // length 2, lower bound 1
                0, 0, 0, 4, 0, 0, 0, 1,
                0, 0, 0, 4, 0, 0, 0, 2,
            ]
        )
        #expect(query.binds.values[1].type == .textArray)
        #expect(query.binds.values[1].bytes == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25])
    }

    @Test func tooManyParametersIsRejectedBeforeConnecting() async throws {
        var binds = PostgresBindings()
        for value in 0..<(PostgresQuery.maximumParameterCount + 1) {
            binds.append(Int32(value))
        }
        let query = PostgresQuery(unsafeSQL: "SELECT 1", binds: binds)
        // Port 1 on loopback refuses connections: the check must come first.
        let pool = PostgresPool(
            configuration: PostgresConfiguration(host: "127.0.0.1", port: 1, user: "u", database: "d")
        )
        defer { pool.close() }
        await #expect {
            try await pool.query(query)
        } throws: { error in
            guard let error = error as? PostgresError else { return false }
            return error.code == .tooManyParameters && error.description.contains("65536 parameters")
        }
    }

    @Test func connectionFailureIsAClearRetryableError() async throws {
        var configuration = PostgresConfiguration(
            host: "127.0.0.1",
            port: 1,
            user: "u",
            password: "hunter2",
            database: "d"
        )
        configuration.connectTimeout = .seconds(2)
        await #expect {
            try await PostgresConnection.connect(configuration)
        } throws: { error in
            guard let error = error as? PostgresError else { return false }
            return error.code == .connectionFailed && error.isRetryable && error.isConnectionFailure
                && !String(reflecting: error).contains("hunter2")
        }
    }
}
