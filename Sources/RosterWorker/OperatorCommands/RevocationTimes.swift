import Foundation
import RosterCore
import RosterPostgres

/// Time to revoke of recent offboardings, for the console's overview: the same rule as
/// ``AuditReader/report(employee:)`` (HR event time to the job's last vendor mutation, or to the
/// job's end when nothing was left to remove), over every offboarding that succeeded in a window.
public struct RevocationTimes: Sendable {
    /// Seconds from HR event time to revocation, one per offboarding, ascending.
    public var seconds: [Double]
    /// The window's start.
    public var since: Timestamp

    /// Creates the times from seconds in any order; they are kept sorted.
    public init(seconds: [Double], since: Timestamp) {
        self.seconds = seconds.sorted()
        self.since = since
    }

    /// The `q` quantile (0...1), nearest rank; `nil` with no offboarding.
    public func quantile(_ q: Double) -> Double? {
        guard !seconds.isEmpty else { return nil }
        let rank = Int((q * Double(seconds.count)).rounded(.up)) - 1
        return seconds[min(max(rank, 0), seconds.count - 1)]
    }

    /// How many offboardings took at most each bound (seconds) and more than the one before; the
    /// last bucket is everything beyond the last bound.
    public func histogram(bounds: [Double]) -> [Int] {
        var counts = Array(repeating: 0, count: bounds.count + 1)
        for value in seconds {
            let index = bounds.firstIndex { value <= $0 } ?? bounds.count
            counts[index] += 1
        }
        return counts
    }

    /// Reads offboardings that succeeded at or after `since`.
    ///
    /// - Throws: ``PostgresError``.
    public static func read(since: Timestamp, pool: PostgresPool) async throws -> RevocationTimes {
        let rows = try await pool.query(
            """
            SELECT extract(epoch FROM coalesce(
                       (SELECT max(a.at) FROM audit_log a WHERE a.job_id = j.id AND a.actor NOT LIKE 'operator:%'),
                       j.finished_at) - e.event_time)::float8 AS seconds
            FROM jobs j JOIN events e ON e.event_id = j.event_id
            WHERE j.type = \(HREvent.Kind.offboarding) AND j.status = \(JobStatus.succeeded)
              AND j.finished_at >= \(since)::timestamptz
            """
        ).rows
        return RevocationTimes(
            seconds: try rows.map { max(try $0.decode(Double.self, column: "seconds"), 0) }, since: since)
    }
}
