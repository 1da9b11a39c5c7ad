import Foundation
import RosterCore

/// A point in time given on the command line: a duration back from now (`90s`, `30m`, `2h`,
/// `7d`, `1w`) or an RFC 3339 time (`2026-11-24T10:00:00Z`).
public enum TimeBound {
    /// - Parameters:
    ///   - text: what the operator typed.
    ///   - now: the current time.
    /// - Throws: ``OperationsError`` (invalid argument) when it is neither.
    public static func parse(_ text: String, now: Timestamp) throws(OperationsError) -> Timestamp {
        let trimmed = text.trimmingPrefix(" ")
        if let time = Timestamp(rfc3339: String(trimmed)) { return time }
        guard let unit = trimmed.last, let amount = Int64(trimmed.dropLast()), amount >= 0 else {
            throw .invalidArgument(
                "\"\(text)\" is neither a duration (30m, 2h, 7d) nor an RFC 3339 time (2026-11-24T10:00:00Z)")
        }
        let seconds: Int64
        switch unit {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3600
        case "d": seconds = 86_400
        case "w": seconds = 604_800
        default:
            throw .invalidArgument("\"\(text)\": unknown unit \"\(unit)\" (use s, m, h, d or w)")
        }
        let (product, overflow) = amount.multipliedReportingOverflow(by: seconds * 1_000_000)
        guard !overflow else { throw .invalidArgument("\"\(text)\" is too far back") }
        return Timestamp(microsecondsSince1970: now.microsecondsSince1970 - product)
    }
}
