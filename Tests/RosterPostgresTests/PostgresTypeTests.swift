import Foundation
import RosterPostgres
import RosterTesting
import Testing

@Suite(.requiresPostgres, .timeLimit(.minutes(10)))
struct PostgresTypeTests {
    /// Sends `value` as a parameter, casts it to `sqlType` on the server, and decodes it back.
    private func roundTrip<Value: PostgresCodable>(
        _ value: Value,
        as sqlType: String,
        on pool: PostgresPool
    ) async throws -> Value {
        let result = try await pool.query("SELECT \(value)::\(unescaped: sqlType) AS value")
        #expect(result.columns.first?.name == "value")
        return try result[0].decode(Value.self, at: 0)
    }

    @Test func scalarsRoundTrip() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            #expect(try await roundTrip("héllo, wörld ✓ 🚀", as: "text", on: pool) == "héllo, wörld ✓ 🚀")
            #expect(try await roundTrip("", as: "text", on: pool) == "")
            #expect(try await roundTrip(Int.max, as: "int8", on: pool) == Int.max)
            #expect(try await roundTrip(Int64.min, as: "int8", on: pool) == Int64.min)
            #expect(try await roundTrip(Int32.min, as: "int4", on: pool) == Int32.min)
            #expect(try await roundTrip(Int16.max, as: "int2", on: pool) == Int16.max)
            #expect(try await roundTrip(true, as: "bool", on: pool) == true)
            #expect(try await roundTrip(false, as: "bool", on: pool) == false)
            #expect(try await roundTrip(3.141_592_653_589_793, as: "float8", on: pool) == 3.141_592_653_589_793)
            #expect(try await roundTrip(-0.0, as: "float8", on: pool).sign == .minus)
            #expect(try await roundTrip(Double.infinity, as: "float8", on: pool) == .infinity)
            #expect(try await roundTrip(Float(1.5), as: "float4", on: pool) == 1.5)
            let uuid = UUID()
            #expect(try await roundTrip(uuid, as: "uuid", on: pool) == uuid)
            let bytes = Data((0...255).map { UInt8($0) } + [0, 0])
            #expect(try await roundTrip(bytes, as: "bytea", on: pool) == bytes)
            #expect(try await roundTrip(Data(), as: "bytea", on: pool) == Data())
        }
    }

    @Test func datesRoundTripToTheMicrosecond() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            for date in [
                Date(timeIntervalSince1970: 1_700_000_000.123_456), Date(timeIntervalSince1970: 0),
                Date(timeIntervalSince1970: -1_234_567_890.5), Date(timeIntervalSince1970: 4_102_444_800),
            ] {
                let decoded = try await roundTrip(date, as: "timestamptz", on: pool)
                #expect(abs(decoded.timeIntervalSince(date)) < 0.000_001)
            }
            let known = try await pool.query(
                "SELECT '2026-11-24 10:00:00.5+00'::timestamptz, '2026-11-24 10:00:00.5'::timestamp, '2026-11-24'::date"
            )
            let (timestamptz, timestamp, date) = try known[0].decode((Date, Date, Date).self)
            #expect(timestamptz == Date(timeIntervalSince1970: 1_795_514_400.5))
            #expect(timestamp == timestamptz)
            #expect(date == Date(timeIntervalSince1970: 1_795_478_400))
            let infinite = try await pool.query("SELECT 'infinity'::timestamptz, '-infinity'::timestamptz")
            let (future, past) = try infinite[0].decode((Date, Date).self)
            #expect(future == .distantFuture && past == .distantPast)
        }
    }

    @Test func jsonbRoundTripsIncludingOneMebibyte() async throws {
        struct Event: Codable, Equatable {
            var id: String
            var tags: [String]
        }
        try await TestDatabase.withFreshPool { pool, _ async throws in
            let event = Event(id: "evt-1", tags: ["a\"b", "ü", "'; --"])
            let decoded = try await roundTrip(try JSONB(encoding: event), as: "jsonb", on: pool)
            #expect(try decoded.decode(Event.self) == event)

            let big = String(repeating: "x", count: 1 << 20)
            let document = try JSONB(encoding: ["blob": big])
            #expect(document.bytes.count > 1 << 20)
            try await pool.execute("CREATE TABLE docs (id int PRIMARY KEY, body jsonb NOT NULL)")
            try await pool.execute("INSERT INTO docs VALUES (1, \(document))")
            let stored = try await pool.query("SELECT body, body::json, length(body->>'blob') FROM docs")
            let (jsonb, json, length) = try stored[0].decode((JSONB, JSONB, Int32).self)
            #expect(length == 1 << 20)
            #expect(try jsonb.decode([String: String].self)["blob"] == big)
            #expect(try json.decode([String: String].self)["blob"] == big)
        }
    }

    @Test func nullsDecodeAsNilAndThrowForNonOptionals() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            try await pool.execute(
                """
                CREATE TABLE nullable (s text, i int8, i4 int4, i2 int2, b bool, d float8, f float4,
                    u uuid, t timestamptz, bytes bytea, j jsonb, a text[])
                """
            )
            let none: String? = nil
            try await pool.execute(
                """
                INSERT INTO nullable VALUES (\(none), \(Int?.none), \(Int32?.none), \(Int16?.none), \(Bool?.none),
                    \(Double?.none), \(Float?.none), \(UUID?.none), \(Date?.none), \(Data?.none), \(JSONB?.none),
                    \([String]?.none))
                """
            )
            let row = try await pool.query("SELECT * FROM nullable")[0]
            let values = try row.decode(
                (String?, Int?, Int32?, Int16?, Bool?, Double?, Float?, UUID?, Date?, Data?, JSONB?, [String]?).self
            )
            #expect(values.0 == nil && values.1 == nil && values.2 == nil && values.3 == nil)
            #expect(values.4 == nil && values.5 == nil && values.6 == nil && values.7 == nil)
            #expect(values.8 == nil && values.9 == nil && values.10 == nil && values.11 == nil)
            #expect(row.isNull(at: 0))
            #expect {
                try row.decode(String.self, column: "s")
            } throws: { error in
                let error = error as? PostgresError
                return error?.code == .decoding && error?.description.contains("'s' (index 0") == true
                    && error?.description.contains("NULL") == true
            }
        }
    }

    @Test func arraysRoundTrip() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            #expect(
                try await roundTrip(["a", "b,c", "\"q\"", "", "ü"], as: "text[]", on: pool) == [
                    "a", "b,c", "\"q\"", "", "ü",
                ]
            )
            #expect(try await roundTrip([String](), as: "text[]", on: pool) == [])
            #expect(try await roundTrip([Int64.min, 0, .max], as: "int8[]", on: pool) == [Int64.min, 0, .max])
            #expect(try await roundTrip([1, 2, 3], as: "int8[]", on: pool) == [1, 2, 3])
            #expect(try await roundTrip([Int32(-1), 7], as: "int4[]", on: pool) == [-1, 7])
            #expect(try await roundTrip([true, false], as: "bool[]", on: pool) == [true, false])
            #expect(try await roundTrip([1.5, -2.25], as: "float8[]", on: pool) == [1.5, -2.25])
            let uuids = [UUID(), UUID()]
            #expect(try await roundTrip(uuids, as: "uuid[]", on: pool) == uuids)
            let blobs = [Data([0, 1, 2]), Data(), Data([255])]
            #expect(try await roundTrip(blobs, as: "bytea[]", on: pool) == blobs)
            let documents = [JSONB(text: #"{"a": 1}"#), JSONB(text: "[]")]
            #expect(try await roundTrip(documents, as: "jsonb[]", on: pool).map(\.text) == [#"{"a": 1}"#, "[]"])
            #expect(try await roundTrip(["x", nil, "z"] as [String?], as: "text[]", on: pool) == ["x", nil, "z"])
            // varchar[] and int4[] decode into [String] and [Int] (element widening).
            let widened = try await pool.query("SELECT ARRAY['a','b']::varchar[], ARRAY[1,2]::int4[]")
            let (strings, numbers) = try widened[0].decode(([String], [Int]).self)
            #expect(strings == ["a", "b"] && numbers == [1, 2])
        }
    }

    @Test func numericWideningOnDecode() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            let row = try await pool.query("SELECT 7::int2, 8::int4, 9::int8, 1.5::float4")[0]
            let (small, medium, large, float) = try row.decode((Int64, Int64, Int, Double).self)
            #expect(small == 7 && medium == 8 && large == 9 && float == 1.5)
            #expect(try row.decode(Int32.self, at: 0) == 7)
        }
    }

    @Test func decodingMismatchNamesColumnAndTypes() async throws {
        try await TestDatabase.withFreshPool { pool, _ async throws in
            let row = try await pool.query("SELECT 42::int8 AS employee_count, 'x'::text AS name")[0]
            do {
                _ = try row.decode(String.self, column: "employee_count")
                Issue.record("expected a decoding error")
            } catch let error as PostgresError {
                #expect(error.code == .decoding)
                #expect(error.description.contains("'employee_count' (index 0"))
                #expect(error.description.contains("got int8"))
                #expect(error.description.contains("expected text"))
            }
            #expect(throws: PostgresError.self) { try row.decode(Int32.self, at: 0) }  // no narrowing
            #expect(throws: PostgresError.self) { try row.decode(UUID.self, at: 1) }
            #expect(throws: PostgresError.self) { try row.decode(Int.self, at: 2) }  // out of range
            #expect(throws: PostgresError.self) { try row.decode(Int.self, column: "missing") }
            #expect(throws: PostgresError.self) { try row.decode((Int, String, Int).self) }  // wrong arity
        }
    }
}
