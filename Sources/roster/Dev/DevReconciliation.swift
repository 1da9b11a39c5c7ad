import Foundation
import Logging
import RosterCore
import RosterPostgres
import RosterWorker

/// The reconciliation part of `roster dev`: waits for the worker's verification of every finished
/// offboarding, runs one reconciliation pass (as `roster reconcile` would) and shows the evidence
/// for one leaver.
struct DevReconciliation {
    let pool: PostgresPool
    let configuration: RosterConfiguration
    let logger: Logger

    /// Polls until every finished offboarding is checked at every vendor it acted at.
    func waitUntilVerified(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let row = try? await pool.query(
                """
                SELECT (SELECT count(*) FROM (SELECT DISTINCT j.id, s.vendor FROM jobs j JOIN job_steps s ON s.job_id = j.id
                                              WHERE j.type = \(HREvent.Kind.offboarding) AND j.status = \(JobStatus.succeeded)) d)::int8,
                       (SELECT count(*) FROM verifications WHERE result IS NOT NULL)::int8
                """
            ).rows.first?.decode((Int64, Int64).self)
            if let (wanted, done) = row, done >= wanted { return true }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    /// One pass over every vendor, waiting for the worker's own reconcile service to let go of
    /// the cluster-wide lock if it holds it.
    func pass() async throws -> ReconcileReport {
        try await ReconcilePass.withPass(
            configuration: configuration, pool: pool, workerID: "dev-reconcile", logger: logger
        ) { pass in
            for _ in 0..<120 {
                do {
                    return try await pass.run()
                } catch let error as ReconcileError where error.code == .busy {
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
            return try await pass.run()
        }
    }

    /// The evidence rows of `employee`, as a table.
    func evidence(of employee: String) async throws -> String {
        let report = try await EvidenceReport.read(since: Timestamp(microsecondsSince1970: 0), pool: pool)
        var table = TextTable(
            ["VENDOR", "JOB", "EVENT TIME", "REVOKED AT", "VERIFICATION", "VERIFIED AT", "RESIDUAL"],
            emptyText: "(none)")
        for row in report.rows where row.employeeID == employee {
            table.append([
                row.vendor, String(row.jobID), row.eventTime.rfc3339, row.revokedAt?.rfc3339 ?? "-",
                row.verification ?? "pending",
                row.verifiedAt?.rfc3339 ?? "-", row.residual ?? "",
            ])
        }
        return table.rendered
    }
}
