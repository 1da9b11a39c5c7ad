import RosterCore
import RosterPostgres
import RosterTesting
import Testing

@testable import RosterWorker

/// ``Timestamp`` as binary `timestamptz` and the stored vocabularies (``JobStatus``,
/// ``StepStatus``, ``HREvent/Kind``) as their words, through a real PostgreSQL.
@Suite(.requiresPostgres, .timeLimit(.minutes(10)))
struct PostgresCodableTests {
    @Test func timestampsRoundTripExactlyAndAgreeWithTheServersClock() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            for micros: Int64 in [
                0, 1, -1, 1_795_514_400_500_000, 946_684_800_000_000, -2_208_988_800_000_000, 4_102_444_800_123_456,
            ] {
                let timestamp = Timestamp(microsecondsSince1970: micros)
                let result = try await pool.query(
                    "SELECT \(timestamp)::timestamptz, (extract(epoch FROM \(timestamp)::timestamptz) * 1000000)::int8")
                #expect(try result[0].decode(Timestamp.self, at: 0) == timestamp)
                #expect(try result[0].decode(Int64.self, at: 1) == micros, "the server reads the same instant")
            }
            let known = try await pool.query(
                "SELECT '2026-11-24 10:00:00.5+00'::timestamptz, '2026-11-24 10:00:00.5'::timestamp")
            let (timestamptz, timestamp) = try known[0].decode((Timestamp, Timestamp).self)
            #expect(timestamptz == Timestamp(microsecondsSince1970: 1_795_514_400_500_000))
            #expect(timestamp == timestamptz)
            let infinite = try await pool.query("SELECT 'infinity'::timestamptz")
            #expect(throws: PostgresError.self) { try infinite[0].decode(Timestamp.self, at: 0) }
        }
    }

    @Test func vocabulariesAreStoredAsTheWordsTheSchemaChecks() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            let result = try await pool.query(
                "SELECT \(JobStatus.retrying)::text, \(StepStatus.skipped)::text, \(HREvent.Kind.offboarding)::text, \([JobStatus.queued, .held])::text[]"
            )
            #expect(try result[0].decode(String.self, at: 0) == "retrying")
            #expect(try result[0].decode(String.self, at: 1) == "skipped")
            #expect(try result[0].decode(String.self, at: 2) == "offboarding", "jobs.type holds the short name")
            #expect(try result[0].decode([String].self, at: 3) == ["queued", "held"])
            let words = try await pool.query("SELECT 'dead'::text, 'failed'::text, 'changed'::text")
            let (job, step, kind) = try words[0].decode((JobStatus, StepStatus, HREvent.Kind).self)
            #expect(job == .dead && step == .failed && kind == .changed)
        }
    }
}
