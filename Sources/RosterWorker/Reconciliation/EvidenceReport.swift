import Foundation
import RosterCore
import RosterPostgres

/// What `roster evidence` exports for auditors: for every offboarding since a moment, per vendor,
/// when HR said the person left, when Roster revoked their access there, when it verified it gone
/// (listings made after that moment show nothing of theirs), and what the vendor's API could not
/// remove. Employee ids and vendor names only: no names, no emails.
public struct EvidenceReport: Sendable {
    /// One offboarding job at one vendor it had steps at.
    public struct Row: Sendable, Hashable {
        /// The leaver's HR employee id.
        public var employeeID: String
        /// The vendor instance (a key of `vendors:`).
        public var vendor: String
        /// The offboarding job (`roster jobs show ID`).
        public var jobID: Int64
        /// `hr`, or `reconcile` for a revocation reconciliation started.
        public var origin: String
        /// When HR said the person left (the event's `time`); for a `reconcile` job, when
        /// reconciliation recorded it.
        public var eventTime: Timestamp
        /// When the job's last step at the vendor finished, once every step there is done.
        public var revokedAt: Timestamp?
        /// `absent`, `access_found`, `residual`, `rehired`, or `nil` while the check is not done.
        public var verification: String?
        /// When verified absent: the listings the check rests on were made at or after this.
        public var verifiedAt: Timestamp?
        /// Access the vendor's API could not remove, said plainly.
        public var residual: String?
    }

    /// The bound asked for: offboardings whose event time is at or after it.
    public var since: Timestamp
    /// By event time, then job id, then vendor.
    public var rows: [Row]

    /// The CSV's first line: one column per ``Row`` field, in snake case.
    public static let csvHeader =
        "employee_id,vendor,job_id,origin,event_time,revoked_at,verification,verified_at,residual"

    /// The rows as RFC 4180 CSV under ``csvHeader``: times in RFC 3339, an absent value as an
    /// empty cell, cells a spreadsheet would run as formulas prefixed with `'`.
    public var csv: String {
        var out = Self.csvHeader + "\n"
        for r in rows {
            out +=
                [
                    r.employeeID, r.vendor, String(r.jobID), r.origin, r.eventTime.rfc3339, r.revokedAt?.rfc3339 ?? "",
                    r.verification ?? "", r.verifiedAt?.rfc3339 ?? "", r.residual ?? "",
                ].map(Self.csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    /// RFC 4180: quoted when it holds a comma, a quote or a line break; a cell a spreadsheet would
    /// run as a formula is prefixed with a quote mark.
    static func csvField(_ value: String) -> String {
        var value = value
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `{"since": …, "rows": [{"employee_id": …, …}]}`, with the CSV's column names as keys and
    /// `null` for absent values.
    public var json: JSONValue {
        .object([
            "since": .time(since),
            "rows": .array(
                rows.map { r in
                    .object([
                        "employee_id": .string(r.employeeID), "vendor": .string(r.vendor), "job_id": .int(r.jobID),
                        "origin": .string(r.origin),
                        "event_time": .time(r.eventTime), "revoked_at": .time(r.revokedAt),
                        "verification": .text(r.verification),
                        "verified_at": .time(r.verifiedAt), "residual": .text(r.residual),
                    ])
                }),
        ])
    }

    /// Reads the evidence of offboardings whose HR event time is at or after `since`.
    public static func read(since: Timestamp, pool: PostgresPool) async throws -> EvidenceReport {
        let rows = try await pool.query(
            """
            SELECT j.employee_id, s.vendor, j.id, j.origin, e.event_time,
                   CASE WHEN bool_and(s.status IN (\(StepStatus.succeeded), \(StepStatus.skipped))) THEN max(s.finished_at) END AS revoked_at,
                   v.result, CASE WHEN v.result = 'absent' THEN v.checked_at END AS verified_at,
                   string_agg(DISTINCT s.residual, '; ') AS residual
            FROM jobs j
            JOIN events e ON e.event_id = j.event_id
            JOIN job_steps s ON s.job_id = j.id
            LEFT JOIN verifications v ON v.job_id = j.id AND v.vendor = s.vendor
            WHERE j.type = \(HREvent.Kind.offboarding) AND e.event_time >= \(since)::timestamptz
            GROUP BY j.employee_id, s.vendor, j.id, j.origin, e.event_time, v.result, v.checked_at
            ORDER BY e.event_time, j.id, s.vendor
            """
        ).rows
        return EvidenceReport(
            since: since,
            rows: try rows.map { row in
                Row(
                    employeeID: try row.decode(String.self, column: "employee_id"),
                    vendor: try row.decode(String.self, column: "vendor"),
                    jobID: try row.decode(Int64.self, column: "id"),
                    origin: try row.decode(String.self, column: "origin"),
                    eventTime: try row.decode(Timestamp.self, column: "event_time"),
                    revokedAt: try row.decode(Timestamp?.self, column: "revoked_at"),
                    verification: try row.decode(String?.self, column: "result"),
                    verifiedAt: try row.decode(Timestamp?.self, column: "verified_at"),
                    residual: try row.decode(String?.self, column: "residual")
                )
            })
    }
}
