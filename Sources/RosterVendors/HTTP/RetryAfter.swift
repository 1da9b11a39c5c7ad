import Foundation
import RosterCore

/// How long a vendor asked us to wait, from its response headers (or body): pure parsing.
///
/// Headers understood by ``wait(headers:now:)``, of which the largest applicable wins:
/// - `Retry-After`: delta-seconds (`120`, leniently also `1.5`) or an HTTP-date (IMF-fixdate
///   `Sun, 06 Nov 1994 08:49:37 GMT`, and the obsolete RFC 850 and asctime forms that
///   RFC 9110 §5.6.7 requires recipients to accept), relative to `now`.
/// - `retry-after-ms`: milliseconds (OpenAI).
/// - `x-ratelimit-reset-requests` / `x-ratelimit-reset-tokens`: Go-style durations (`1s`,
///   `6m0s`, `12ms`, `1h2m3.5s`), applicable when the matching `x-ratelimit-remaining-*` is
///   absent or zero — a reset time for a budget that is not exhausted is not a reason to wait.
///
/// Dates in the past give `.zero`; malformed values are ignored.
public enum RetryAfter {
    /// The largest applicable wait in `headers`, or `nil` when none says anything.
    ///
    /// - Parameters:
    ///   - headers: The response headers.
    ///   - now: The current time, for HTTP-dates.
    public static func wait(headers: VendorHeaders, now: Date) -> Duration? {
        var candidates: [Duration] = []
        if let value = headers["retry-after-ms"], let wait = milliseconds(value) {
            candidates.append(wait)
        }
        if let value = headers["retry-after"], let wait = retryAfterValue(value, now: now) {
            candidates.append(wait)
        }
        for budget in ["requests", "tokens"] {
            guard let value = headers["x-ratelimit-reset-\(budget)"], let wait = goDuration(value) else { continue }
            let remaining = headers["x-ratelimit-remaining-\(budget)"].flatMap { Double($0.trimmed) }
            if remaining == nil || remaining! <= 0 {
                candidates.append(wait)
            }
        }
        return candidates.max()
    }

    /// A `Retry-After` value: delta-seconds or an HTTP-date relative to `now`.
    public static func retryAfterValue(_ value: String, now: Date) -> Duration? {
        let text = value.trimmed
        if let seconds = Double(text), seconds.isFinite, seconds >= 0, text.first?.isNumber == true {
            return .seconds(min(seconds, maximumSeconds))
        }
        guard let date = httpDate(text) else { return nil }
        let delta = date.timeIntervalSince(now)
        return delta > 0 ? .seconds(min(delta, maximumSeconds)) : .zero
    }

    /// A millisecond count such as `retry-after-ms: 250`.
    public static func milliseconds(_ value: String) -> Duration? {
        let text = value.trimmed
        guard let millis = Double(text), millis.isFinite, millis >= 0, text.first?.isNumber == true else {
            return nil
        }
        return .milliseconds(min(millis, maximumSeconds * 1000))
    }

    /// A Go-style duration: one or more `<number><unit>` with units `h`, `m`, `s`, `ms`, `us`/`µs`,
    /// `ns` (`1s`, `6m0s`, `12ms`, `1h2m3.5s`), or a bare `0`.
    public static func goDuration(_ value: String) -> Duration? {
        GoDuration.parse(value)
    }

    /// PostHog's throttle detail, "Request was throttled. Expected available in 12 seconds."
    /// (drf), as a fallback when no `Retry-After` header was sent.
    public static func expectedAvailable(inDetail detail: String) -> Duration? {
        guard let range = detail.range(of: "available in ", options: .caseInsensitive) else { return nil }
        let rest = detail[range.upperBound...]
        let number = rest.prefix { $0.isNumber || $0 == "." }
        guard let seconds = Double(number), seconds.isFinite, seconds >= 0,
            rest.dropFirst(number.count).trimmingPrefix(" ").lowercased().hasPrefix("second")
        else { return nil }
        return .seconds(min(seconds, maximumSeconds))
    }

    /// An HTTP-date in any of the three forms of RFC 9110 §5.6.7, or `nil`.
    ///
    /// Only `GMT` (and, leniently, `UTC`) is accepted as the zone; RFC 850 two-digit years
    /// 70–99 are 19xx and 00–69 are 20xx.
    public static func httpDate(_ text: String) -> Date? {
        let tokens = text.split { $0 == " " || $0 == "," || $0 == "-" }.map(String.init)
        guard tokens.count >= 5, weekdays.contains(where: { tokens[0].lowercased().hasPrefix($0) }) else { return nil }
        let day: Int?
        let month: Int?
        var year: Int?
        let time: String
        if let asctimeMonth = monthNumber(tokens[1]) {
            // asctime: Sun Nov  6 08:49:37 1994
            guard tokens.count == 5 else { return nil }
            month = asctimeMonth
            day = Int(tokens[2])
            time = tokens[3]
            year = tokens[4].count == 4 ? Int(tokens[4]) : nil
        } else {
            // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT; RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
            guard tokens.count == 6, ["gmt", "utc"].contains(tokens[5].lowercased()) else { return nil }
            day = Int(tokens[1])
            month = monthNumber(tokens[2])
            time = tokens[4]
            year = Int(tokens[3])
            if tokens[3].count == 2, let short = year {
                year = short < 70 ? 2000 + short : 1900 + short
            } else if tokens[3].count != 4 {
                year = nil
            }
        }
        let clock = time.split(separator: ":").compactMap { Int($0) }
        guard let day, let month, let year, clock.count == 3, (1...31).contains(day), (0...23).contains(clock[0]),
            (0...59).contains(clock[1]), (0...60).contains(clock[2])
        else { return nil }
        let days = daysSince1970(year: year, month: month, day: day)
        let seconds = days * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2]
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    // MARK: - Helpers

    /// Waits are capped at a day: anything longer is a vendor bug, not a schedule.
    private static let maximumSeconds: Double = 86_400

    private static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    private static func monthNumber(_ token: String) -> Int? {
        guard token.count == 3, let index = months.firstIndex(of: token.lowercased()) else { return nil }
        return index + 1
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension String {
    fileprivate var trimmed: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
