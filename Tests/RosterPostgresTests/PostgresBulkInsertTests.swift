import Foundation
import RosterPostgres
import RosterTesting
import Testing

@Suite(.requiresPostgres, .timeLimit(.minutes(10)))
struct PostgresBulkInsertTests {
    @Test func tenThousandRowsThroughUnnestArrays() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            try await pool.execute(
                """
                CREATE TABLE employees (
                    id uuid PRIMARY KEY, email text NOT NULL, seq int8 NOT NULL, level int4 NOT NULL,
                    active bool NOT NULL, hired_at timestamptz NOT NULL, manager text, photo bytea NOT NULL
                )
                """
            )
            let count = 10_000
            let base = Date(timeIntervalSince1970: 1_767_225_600)
            let ids = (0..<count).map { _ in UUID() }
            let emails = (0..<count).map { "user\($0)+'quote\"@example.com" }
            let sequences = (0..<count).map { Int64($0) }
            let levels = (0..<count).map { Int32($0 % 7) }
            let active = (0..<count).map { $0 % 3 != 0 }
            let hired = (0..<count).map { base.addingTimeInterval(Double($0) * 60) }
            let managers: [String?] = (0..<count).map { $0 % 2 == 0 ? nil : "mgr\($0 % 10)" }
            let photos = (0..<count).map { Data([UInt8($0 % 256), 0, 255]) }

            let clock = ContinuousClock()
            let start = clock.now
            let inserted = try await pool.execute(
                """
                INSERT INTO employees (id, email, seq, level, active, hired_at, manager, photo)
                SELECT * FROM unnest(
                    \(ids)::uuid[], \(emails)::text[], \(sequences)::int8[], \(levels)::int4[],
                    \(active)::bool[], \(hired)::timestamptz[], \(managers)::text[], \(photos)::bytea[]
                )
                """
            )
            let elapsed = clock.now - start
            #expect(inserted == count)
            // One statement for every row is the behaviour; its speed is ops/bench's business, not a
            // bound here (a saturated machine can take any time).
            print("bulk insert of \(count) rows in one statement: \(elapsed)")

            let summary = try await pool.query(
                """
                SELECT count(*), sum(seq)::int8, count(manager), count(*) FILTER (WHERE active),
                    min(hired_at), max(hired_at)
                FROM employees
                """
            )
            let (rows, sum, managed, activeCount, first, last) = try summary[0].decode(
                (Int, Int, Int, Int, Date, Date).self
            )
            #expect(rows == count)
            #expect(sum == count * (count - 1) / 2)
            #expect(managed == count / 2)
            #expect(activeCount == active.filter { $0 }.count)
            #expect(first == base)
            #expect(last == hired[count - 1])

            let sample = try await pool.query("SELECT email, photo, manager FROM employees WHERE id = \(ids[4_321])")
            let (email, photo, manager) = try sample[0].decode((String, Data, String?).self)
            #expect(email == emails[4_321] && photo == photos[4_321] && manager == managers[4_321])

            // And back out as arrays in one row.
            let aggregated = try await pool.query("SELECT array_agg(seq ORDER BY seq) FROM employees")
            #expect(try aggregated.singleValue([Int64].self) == sequences)
        }
    }
}
