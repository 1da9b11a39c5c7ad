import Foundation
import RosterVendors
import Testing

@Suite struct RetryAfterTests {
    /// 1994-11-06T08:49:37Z, RFC 9110's example date.
    let example = Date(timeIntervalSince1970: 784_111_777)

    @Test func deltaSeconds() {
        #expect(RetryAfter.retryAfterValue("120", now: example) == .seconds(120))
        #expect(RetryAfter.retryAfterValue(" 3 ", now: example) == .seconds(3))
        #expect(RetryAfter.retryAfterValue("0", now: example) == .zero)
        #expect(RetryAfter.retryAfterValue("1.5", now: example) == .milliseconds(1500))
        #expect(RetryAfter.retryAfterValue("-1", now: example) == nil)
        #expect(RetryAfter.retryAfterValue("soon", now: example) == nil)
        #expect(RetryAfter.retryAfterValue("", now: example) == nil)
    }

    @Test func httpDatesInAllThreeForms() {
        #expect(RetryAfter.httpDate("Sun, 06 Nov 1994 08:49:37 GMT") == example)
        #expect(RetryAfter.httpDate("Sunday, 06-Nov-94 08:49:37 GMT") == example)
        #expect(RetryAfter.httpDate("Sun Nov  6 08:49:37 1994") == example)
        #expect(RetryAfter.httpDate("Thu, 01 Jan 1970 00:00:00 GMT") == Date(timeIntervalSince1970: 0))
        #expect(RetryAfter.httpDate("Tue, 29 Feb 2028 23:59:59 GMT") == Date(timeIntervalSince1970: 1_835_481_599))
        #expect(RetryAfter.httpDate("Sun, 06 Nov 1994 08:49:37 PST") == nil)
        #expect(RetryAfter.httpDate("Sun, 06 Foo 1994 08:49:37 GMT") == nil)
        #expect(RetryAfter.httpDate("Sun, 06 Nov 1994 25:49:37 GMT") == nil)
        #expect(RetryAfter.httpDate("2026-11-24T10:00:00Z") == nil)
    }

    @Test func httpDateIsRelativeToNow() {
        let now = example.addingTimeInterval(-30)
        #expect(RetryAfter.retryAfterValue("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == .seconds(30))
        // A date in the past means "now".
        #expect(
            RetryAfter.retryAfterValue("Sun, 06 Nov 1994 08:49:37 GMT", now: example.addingTimeInterval(60)) == .zero)
    }

    @Test func millisecondsHeader() {
        #expect(RetryAfter.milliseconds("250") == .milliseconds(250))
        #expect(RetryAfter.milliseconds("12.5") == .microseconds(12_500))
        #expect(RetryAfter.milliseconds("x") == nil)
    }

    @Test(arguments: [
        ("1s", Duration.seconds(1)),
        ("6m0s", .seconds(360)),
        ("12ms", .milliseconds(12)),
        ("1h2m3.5s", .milliseconds(3_723_500)),
        ("0", .zero),
        ("0s", .zero),
        ("250us", .microseconds(250)),
        ("1.5m", .seconds(90)),
    ])
    func goDurations(text: String, expected: Duration) {
        #expect(RetryAfter.goDuration(text) == expected)
    }

    @Test(arguments: ["", "s", "1", "1x", "abc", "1s2", "-1s"])
    func malformedGoDurations(text: String) {
        #expect(RetryAfter.goDuration(text) == nil)
    }

    @Test func theLargestApplicableHeaderWins() {
        let headers: VendorHeaders = [
            "Retry-After": "2",
            "retry-after-ms": "1500",
            "x-ratelimit-remaining-requests": "0",
            "x-ratelimit-reset-requests": "6m0s",
        ]
        #expect(RetryAfter.wait(headers: headers, now: example) == .seconds(360))
        #expect(
            RetryAfter.wait(headers: ["retry-after-ms": "1500", "Retry-After": "1"], now: example)
                == .milliseconds(1500))
        #expect(RetryAfter.wait(headers: [:], now: example) == nil)
        #expect(RetryAfter.wait(headers: ["Retry-After": "later"], now: example) == nil)
    }

    @Test func resetHeadersApplyOnlyWhenTheirBudgetIsSpent() {
        let spare: VendorHeaders = [
            "x-ratelimit-remaining-requests": "12",
            "x-ratelimit-reset-requests": "1s",
            "x-ratelimit-remaining-tokens": "0",
            "x-ratelimit-reset-tokens": "12ms",
        ]
        #expect(RetryAfter.wait(headers: spare, now: example) == .milliseconds(12))
        // Without a remaining header the reset time is taken at its word.
        #expect(
            RetryAfter.wait(headers: ["X-RateLimit-Reset-Requests": "1h2m3.5s"], now: example)
                == .milliseconds(3_723_500))
    }

    @Test func postHogThrottleDetail() {
        #expect(
            RetryAfter.expectedAvailable(inDetail: "Request was throttled. Expected available in 12 seconds.")
                == .seconds(12))
        #expect(
            RetryAfter.expectedAvailable(inDetail: "Request was throttled. Expected available in 1 second.")
                == .seconds(1))
        #expect(RetryAfter.expectedAvailable(inDetail: "Request was throttled.") == nil)
        #expect(RetryAfter.expectedAvailable(inDetail: "available in many seconds") == nil)
    }
}
