import Foundation
import RosterCore
import RosterPostgres

extension AuditReader {
    /// The audit trail of one employee, with the time to revoke of each of their offboardings.
    public func report(employee employeeID: String) async throws -> AuditReport {
        let entries = try await entries(employee: employeeID)
        return AuditReport(
            subjectKind: "employee", subject: employeeID, entries: entries,
            revocations: try await revocations(employeeID: employeeID, jobID: nil, entries: entries)
        )
    }

    /// The audit trail of one job (its time to revoke when it is an offboarding).
    ///
    /// - Throws: ``OperationsError`` (not found), ``PostgresError``.
    public func report(job id: Int64) async throws -> AuditReport {
        _ = try await JobReader(pool: pool).job(id)
        let entries = try await entries(job: id)
        return AuditReport(
            subjectKind: "job", subject: String(id), entries: entries,
            revocations: try await revocations(employeeID: nil, jobID: id, entries: entries)
        )
    }

    func revocations(employeeID: String?, jobID: Int64?, entries: [AuditEntry]) async throws -> [AuditReport.Revocation]
    {
        let rows = try await pool.query(
            """
            SELECT j.id, j.event_id, j.status, e.event_time, j.finished_at
            FROM jobs j JOIN events e ON e.event_id = j.event_id
            WHERE j.type = \(HREvent.Kind.offboarding) AND (j.employee_id = \(employeeID)::text OR j.id = \(jobID)::int8)
            ORDER BY j.employee_order, j.id
            """
        ).rows
        let jobs = try rows.map { row in
            (
                id: try row.decode(Int64.self, column: "id"), event: try row.decode(String.self, column: "event_id"),
                status: try row.decode(JobStatus.self, column: "status"),
                time: try row.decode(Timestamp.self, column: "event_time"),
                finished: try row.decode(Timestamp?.self, column: "finished_at")
            )
        }
        let steps = try await JobReader(pool: pool).steps(of: jobs.map(\.id), on: nil)
        var checks: [String: (result: String?, at: Timestamp?)] = [:]
        for row in try await pool.query(
            """
            SELECT job_id, vendor, result, checked_at FROM verifications
            WHERE job_id = ANY(\(jobs.map(\.id))::int8[])
            """
        ).rows {
            checks["\(try row.decode(Int64.self, column: "job_id"))/\(try row.decode(String.self, column: "vendor"))"] =
                (
                    try row.decode(String?.self, column: "result"),
                    try row.decode(Timestamp?.self, column: "checked_at")
                )
        }
        return jobs.map { job in
            let mutations = entries.filter { $0.jobID == job.id && !$0.isOperatorAction }
            let jobSteps = steps[job.id] ?? []
            let vendors = Dictionary(grouping: jobSteps, by: \.vendor).sorted { $0.key < $1.key }.map {
                name, vendorSteps in
                AuditReport.Revocation.Vendor(
                    name: name, complete: vendorSteps.allSatisfy(\.isDone),
                    lastMutationAt: mutations.filter { $0.vendor == name }.map(\.at).max(),
                    residual: vendorSteps.compactMap(\.residual).first,
                    verification: checks["\(job.id)/\(name)"]?.result,
                    verifiedAt: checks["\(job.id)/\(name)"]?.result == "absent" ? checks["\(job.id)/\(name)"]?.at : nil
                )
            }
            let revokedAt = job.status == .succeeded ? (mutations.map(\.at).max() ?? job.finished) : nil
            return AuditReport.Revocation(
                jobID: job.id, eventID: job.event, status: job.status, eventTime: job.time, revokedAt: revokedAt,
                vendors: vendors
            )
        }
    }
}
