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

    static func read(
        employee employeeID: String?, openResidualOnly: Bool, limit: Int, pool: PostgresPool
    ) async throws -> [FindingRecord] {
        let rows = try await pool.query(
            """
            SELECT *, target::text AS target_text
            FROM reconcile_findings
            WHERE (\(employeeID)::text IS NULL OR employee_id = \(employeeID)::text)
              AND (NOT \(openResidualOnly)::bool OR (residual AND resolved_at IS NULL))
            ORDER BY first_seen_at DESC, id DESC
            LIMIT \(Int64(limit))
            """
        ).rows
        return try rows.map { row in
            FindingRecord(
                id: try row.decode(Int64.self, column: "id"), vendor: try row.decode(String.self, column: "vendor"),
                situation: try row.decode(String.self, column: "situation"),
                employeeID: try row.decode(String?.self, column: "employee_id"),
                target: (try? JSONParser().parse(Array(try row.decode(String.self, column: "target_text").utf8)))
                    ?? .object([:]),
                detail: try row.decode(String.self, column: "detail"),
                residual: try row.decode(Bool.self, column: "residual"),
                reaction: try row.decode(String.self, column: "reaction"),
                jobID: try row.decode(Int64?.self, column: "job_id"),
                firstSeenAt: try row.decode(Timestamp.self, column: "first_seen_at"),
                lastSeenAt: try row.decode(Timestamp.self, column: "last_seen_at"),
                resolvedAt: try row.decode(Timestamp?.self, column: "resolved_at")
            )
        }
    }
}
