import Foundation
import RosterCore
import RosterPostgres

/// One row of `reconcile_findings`: a difference reconciliation saw between a vendor and what HR
/// says, from first seen to resolved. Vendor ids, projects and roles only (never an address).
public struct FindingRecord: Sendable, Hashable {
    /// The row id; the same difference seen again after it was resolved gets a new row.
    public var id: Int64
    /// The vendor instance where the difference was seen.
    public var vendor: String
    /// `leaver_has_access`, `missing_grant`, `wrong_role`, `extra_grant`, `unknown_account`, `stale_invite`.
    public var situation: String
    /// The HR employee id the account belongs to; `nil` for `unknown_account`.
    public var employeeID: String?
    /// Vendor ids (`user_id`, `invite_id`, `key_id`, `project_id`), project names and roles; never
    /// emails or names.
    public var target: JSONValue
    /// The difference in a sentence a person can read, without personal data.
    public var detail: String
    /// Access the vendor's API cannot remove (for a person, never for a job).
    public var residual: Bool
    /// `report` or `fix`.
    public var reaction: String
    /// The job reconciliation created for it, if any.
    public var jobID: Int64?
    /// When a pass first saw the difference.
    public var firstSeenAt: Timestamp
    /// When a pass last saw the difference.
    public var lastSeenAt: Timestamp
    /// When a pass no longer saw it; `nil` while the finding is open.
    public var resolvedAt: Timestamp?

    /// One employee's findings, newest first.
    ///
    /// - Throws: ``PostgresError``.
    public static func read(employee employeeID: String, pool: PostgresPool) async throws -> [FindingRecord] {
        try await read(employee: employeeID, openResidualOnly: false, limit: 1000, pool: pool)
    }

    /// Open findings of access the vendors' APIs cannot remove (for a person to remove by hand),
    /// newest first, at most `limit`.
    ///
    /// - Throws: ``PostgresError``.
    public static func openResidual(limit: Int, pool: PostgresPool) async throws -> [FindingRecord] {
        try await read(employee: nil, openResidualOnly: true, limit: limit, pool: pool)
    }

    static func read(employee employeeID: String?, openResidualOnly: Bool, limit: Int, pool: PostgresPool) async throws -> [FindingRecord] {
        let rows = try await pool.query(
            """
            SELECT id, vendor, situation, employee_id, target::text, detail, residual, reaction, job_id,
                   \(unescaped: microsecondsSQL("first_seen_at")), \(unescaped: microsecondsSQL("last_seen_at")),
                   \(unescaped: microsecondsSQL("resolved_at"))
            FROM reconcile_findings
            WHERE (\(employeeID)::text IS NULL OR employee_id = \(employeeID)::text)
              AND (NOT \(openResidualOnly)::bool OR (residual AND resolved_at IS NULL))
            ORDER BY first_seen_at DESC, id DESC
            LIMIT \(Int64(limit))
            """
        ).rows
        return try rows.map { row in
            FindingRecord(
                id: try row.decode(Int64.self, at: 0), vendor: try row.decode(String.self, at: 1),
                situation: try row.decode(String.self, at: 2), employeeID: try row.decode(String?.self, at: 3),
                target: (try? JSONParser().parse(Array(try row.decode(String.self, at: 4).utf8))) ?? .object([:]),
                detail: try row.decode(String.self, at: 5), residual: try row.decode(Bool.self, at: 6),
                reaction: try row.decode(String.self, at: 7), jobID: try row.decode(Int64?.self, at: 8),
                firstSeenAt: Timestamp(microsecondsSince1970: try row.decode(Int64.self, at: 9)),
                lastSeenAt: Timestamp(microsecondsSince1970: try row.decode(Int64.self, at: 10)),
                resolvedAt: try row.decode(Int64?.self, at: 11).map(Timestamp.init(microsecondsSince1970:))
            )
        }
    }
}
