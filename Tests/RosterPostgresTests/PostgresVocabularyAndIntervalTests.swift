import RosterPostgres
import RosterTesting
import Testing

/// `Duration` as `interval`, and raw-representable vocabularies as their raw values, through a
/// real PostgreSQL.
@Suite(.requiresPostgres, .timeLimit(.minutes(10)))
struct PostgresVocabularyAndIntervalTests {
    enum Colour: String, PostgresCodable, PostgresArrayElement {
        case red, green
    }

    @Test func durationsRoundTripAsIntervalsToTheMicrosecond() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            for duration in [
                Duration.zero, .microseconds(1), .milliseconds(1_500), .seconds(-3), .seconds(90_000),
                .microseconds(-7),
            ] {
                let result = try await pool.query("SELECT \(duration)::interval")
                #expect(try result[0].decode(Duration.self, at: 0) == duration)
            }
            // Sub-microsecond parts are cut, like the column's own resolution.
            let fine = try await pool.query("SELECT \(Duration.nanoseconds(2_500))::interval")
            #expect(try fine[0].decode(Duration.self, at: 0) == .microseconds(2))
        }
    }

    /// The difference of two timestamps has a days part past 24 hours: a day counts 86 400 s, as
    /// `extract(epoch FROM …)` counts it. Months have no fixed length and are refused.
    @Test func intervalDaysCountAsADayOfSecondsAndMonthsAreRefused() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            let days = try await pool.query(
                "SELECT timestamptz '2026-12-03 10:00:00+00' - timestamptz '2026-12-01 09:59:59.5+00', interval '1 day 2 hours'"
            )
            #expect(try days[0].decode(Duration.self, at: 0) == .seconds(2 * 86_400 + 0.5))
            #expect(try days[0].decode(Duration.self, at: 1) == .seconds(86_400 + 7_200))
            let month = try await pool.query("SELECT interval '1 month'")
            #expect(throws: PostgresError.self) { try month[0].decode(Duration.self, at: 0) }
        }
    }

    @Test func vocabulariesBindAndDecodeAsTheirRawValues() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            let result = try await pool.query(
                "SELECT \(Colour.red)::text, \(Colour.green) = 'green', \([Colour.red, .green])::text[], 'blue'::text"
            )
            #expect(try result[0].decode(Colour.self, at: 0) == .red)
            #expect(try result[0].decode(Bool.self, at: 1))
            #expect(try result[0].decode([Colour].self, at: 2) == [.red, .green])
            // A word the build does not know fails, naming it, instead of becoming some default case.
            #expect {
                try result[0].decode(Colour.self, at: 3)
            } throws: { error in
                "\(error)".contains("blue is not a Colour")
            }
        }
    }
}
