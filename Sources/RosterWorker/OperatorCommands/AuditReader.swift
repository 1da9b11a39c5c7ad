import Foundation
import RosterCore
import RosterPostgres

/// Reads the audit log: vendor mutations and operator actions, by job or by employee.
public struct AuditReader: Sendable {
    let pool: PostgresPool

    /// Creates a reader over `pool`; it never writes.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Every audit row of job `id`, oldest first.
    public func entries(job id: Int64) async throws -> [AuditEntry] {
        try await entries(jobID: id, employeeID: nil)
    }

    /// Every audit row about `employeeID` (their jobs' vendor mutations and operator actions), oldest first.
    public func entries(employee employeeID: String) async throws -> [AuditEntry] {
        try await entries(jobID: nil, employeeID: employeeID)
    }

    private func entries(jobID: Int64?, employeeID: String?) async throws -> [AuditEntry] {
        let rows = try await pool.query(
            """
            SELECT *, target::text AS target_text
            FROM audit_log
            WHERE (\(jobID)::int8 IS NULL OR job_id = \(jobID)::int8)
              AND (\(employeeID)::text IS NULL OR employee_id = \(employeeID)::text
                   OR job_id IN (SELECT id FROM jobs WHERE employee_id = \(employeeID)::text))
            ORDER BY at, id
            """
        ).rows
        return try rows.map { row in
            let targetText = try row.decode(String.self, column: "target_text")
            return AuditEntry(
                id: try row.decode(Int64.self, column: "id"),
                at: try row.decode(Timestamp.self, column: "at"),
                actor: try row.decode(String.self, column: "actor"),
                action: try row.decode(String.self, column: "action"),
                vendor: try row.decode(String?.self, column: "vendor"),
                jobID: try row.decode(Int64?.self, column: "job_id"),
                employeeID: try row.decode(String?.self, column: "employee_id"),
                target: (try? JSONParser().parse(Array(targetText.utf8))) ?? .object([:]),
                outcome: try row.decode(String.self, column: "outcome"),
                reason: try row.decode(String?.self, column: "reason")
            )
        }
    }
}
