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
            SELECT id, \(unescaped: microsecondsSQL("at")), actor, action, vendor, job_id, employee_id, target::text, outcome, reason
            FROM audit_log
            WHERE (\(jobID)::int8 IS NULL OR job_id = \(jobID)::int8)
              AND (\(employeeID)::text IS NULL OR employee_id = \(employeeID)::text
                   OR job_id IN (SELECT id FROM jobs WHERE employee_id = \(employeeID)::text))
            ORDER BY at, id
            """
        ).rows
        return try rows.map { row in
            let targetText = try row.decode(String.self, at: 7)
            return AuditEntry(
                id: try row.decode(Int64.self, at: 0),
                at: Timestamp(microsecondsSince1970: try row.decode(Int64.self, at: 1)),
                actor: try row.decode(String.self, at: 2), action: try row.decode(String.self, at: 3),
                vendor: try row.decode(String?.self, at: 4), jobID: try row.decode(Int64?.self, at: 5),
                employeeID: try row.decode(String?.self, at: 6),
                target: (try? JSONParser().parse(Array(targetText.utf8))) ?? .object([:]),
                outcome: try row.decode(String.self, at: 8), reason: try row.decode(String?.self, at: 9)
            )
        }
    }
}
