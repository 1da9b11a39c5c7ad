import RosterCore
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2026-11-24T10:00:00Z", Int64(1_795_514_400_000_000)),
        ("2026-11-24T12:00:00+02:00", Int64(1_795_514_400_000_000)),
        ("2026-11-24T10:00:00.25Z", Int64(1_795_514_400_250_000)),
        ("2024-02-29T23:59:59.999999Z", Int64(1_709_251_199_999_999)),
        ("1969-12-31T23:59:59Z", Int64(-1_000_000)),
    ])
    func parses(text: String, micros: Int64) throws {
        let t = try #require(Timestamp(rfc3339: text))
        #expect(t.microsecondsSince1970 == micros)
    }

    @Test(arguments: [
        "2026-02-30T00:00:00Z", "2026-11-24", "2026-11-24T10:00:00", "2026-13-01T00:00:00Z", "2026-11-24T24:00:00Z",
        "yesterday", "2026-11-24T10:00:00+2:00",
    ])
    func refuses(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func formatsAndRoundTrips() throws {
        for micros: Int64 in [0, 1_795_514_400_000_000, 1_795_514_400_123_456, -86_400_000_000, 951_782_400_000_000] {
            let t = Timestamp(microsecondsSince1970: micros)
            #expect(Timestamp(rfc3339: t.rfc3339) == t, "\(t.rfc3339)")
        }
        #expect(Timestamp(microsecondsSince1970: 1_795_514_400_250_000).rfc3339 == "2026-11-24T10:00:00.250000Z")
    }

    @Test func addsDurations() {
        let t = Timestamp(microsecondsSince1970: 1_000_000)
        #expect(t.adding(.milliseconds(1500)).microsecondsSince1970 == 2_500_000)
        #expect(t.adding(.seconds(2)).duration(since: t) == .seconds(2))
    }
}
