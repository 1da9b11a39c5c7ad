import Foundation
import RosterCore
import RosterPostgres
import RosterWorker

/// What `roster dev` prints: jobs, dead letters and vendor mutations, read from Postgres.
struct DevReport {
    let pool: PostgresPool

    /// Polls until there are `jobs` jobs, all settled, and at least `deadLetters` dead letters.
    /// A job held by the mass-offboarding brake counts as settled: it waits for a person.
    func waitUntilSettled(jobs: Int, deadLetters: Int, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let row = try? await pool.query(
                """
                SELECT (SELECT count(*) FROM jobs)::int8,
                       (SELECT count(*) FROM jobs WHERE status IN (\(JobStatus.succeeded), \(JobStatus.dead), \(JobStatus.cancelled), \(JobStatus.held)))::int8,
                       (SELECT count(*) FROM dead_letters)::int8
                """
            ).rows.first?.decode((Int64, Int64, Int64).self)
            if let (total, settled, letters) = row, total >= jobs, settled == total, letters >= deadLetters {
                return true
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    func render() async throws -> String {
        var jobs = TextTable(
            ["ID", "EVENT", "EMPLOYEE", "TYPE", "STATUS", "ATTEMPTS", "STEPS", "NOTE"], emptyText: "(none)")
        for row in try await pool.query(
            """
            SELECT j.id, j.event_id, j.employee_id, j.type, j.status, j.attempts::int8,
                   (SELECT count(*) FROM job_steps s WHERE s.job_id = j.id)::int8,
                   coalesce(j.cancel_reason, CASE WHEN j.status = \(JobStatus.held) THEN j.hold_reason END, j.last_error,
                            (SELECT string_agg(s.residual, '; ') FROM job_steps s WHERE s.job_id = j.id), '')
            FROM jobs j ORDER BY j.id
            """
        ).rows {
            let (id, event, employee, type, status, attempts, steps, note) = try row.decode(
                (Int64, String, String, String, String, Int64, Int64, String).self)
            jobs.append([String(id), event, employee, type, status, String(attempts), String(steps), note])
        }
        var letters = TextTable(["ID", "CODE", "REASON"], emptyText: "(none)")
        letters.maximumCellWidth = 100
        for row in try await pool.query("SELECT id, code, reason FROM dead_letters ORDER BY id").rows {
            let (id, code, reason) = try row.decode((Int64, String, String).self)
            letters.append([String(id), code, reason])
        }
        var audit = TextTable(["VENDOR", "ACTION", "COUNT"], emptyText: "(none)")
        for row in try await pool.query(
            "SELECT vendor, action, count(*)::int8 FROM audit_log GROUP BY 1, 2 ORDER BY 1, 2"
        ).rows {
            let (vendor, action, count) = try row.decode((String, String, Int64).self)
            audit.append([vendor, action, String(count)])
        }
        return [
            "Jobs", jobs.rendered, "Dead letters", letters.rendered, "Vendor mutations (audit log)", audit.rendered,
        ]
        .joined(separator: "\n")
    }

    func firstEmployee() async throws -> String? {
        try await pool.query(
            "SELECT employee_id FROM jobs WHERE type = \(HREvent.Kind.offboarding) ORDER BY id LIMIT 1"
        ).rows.first?.decode(String.self, column: "employee_id")
    }
}
