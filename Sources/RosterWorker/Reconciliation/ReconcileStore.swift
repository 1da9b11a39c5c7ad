import Foundation
import RosterCore
import RosterPostgres

/// Reconciliation's writes: runs, and findings as a history (a finding seen again extends its
/// row; one no longer seen is resolved; seen again after that, it is a new row).
struct ReconcileStore: Sendable {
    /// `reconcile_runs.kind`.
    enum RunKind: String, Sendable {
        case pass
        case verification
    }

    let pool: PostgresPool

    func startRun(vendor: String, kind: RunKind, worker: String) async throws -> Int64 {
        guard
            let id = try await pool.query(
                "INSERT INTO reconcile_runs (vendor, kind, worker) VALUES (\(vendor), \(kind.rawValue), \(worker)) RETURNING id"
            ).rows.first?.decode(Int64.self, column: "id")
        else {
            throw ReconcileError(code: .notRecorded, message: "the run was not recorded")
        }
        return id
    }

    func finishRun(_ id: Int64, findings: Int, jobsCreated: Int, vendorCalls: Int, error: String?) async throws {
        try await pool.execute(
            """
            UPDATE reconcile_runs SET finished_at = now(), outcome = \(error == nil ? "completed" : "failed"), error = \(error),
                   findings = \(Int32(findings)), jobs_created = \(Int32(jobsCreated)), vendor_calls = \(Int32(vendorCalls))
            WHERE id = \(id)
            """
        )
    }

    /// Records a pass's findings at `vendor`: new ones inserted, open ones extended, and the open
    /// ones of this vendor that the pass no longer saw resolved.
    func record(_ entries: [ReconcileReport.Entry], vendor: String, runID: Int64) async throws {
        try await pool.withTransaction { connection in
            try await upsert(entries, runID: runID, on: connection)
            try await connection.execute(
                """
                UPDATE reconcile_findings SET resolved_at = now()
                WHERE vendor = \(vendor) AND resolved_at IS NULL AND last_run_id <> \(runID)
                """
            )
        }
    }

    /// Records findings without resolving anything (a verification sees one person only).
    func add(_ entries: [ReconcileReport.Entry], runID: Int64) async throws {
        try await pool.withTransaction { connection in try await upsert(entries, runID: runID, on: connection) }
    }

    private func upsert(
        _ entries: [ReconcileReport.Entry], runID: Int64, on connection: PostgresConnection
    ) async throws {
        guard !entries.isEmpty else { return }
        let keys = entries.map(\.finding.key)
        let vendors = entries.map(\.finding.vendor)
        let situations = entries.map(\.finding.situation.rawValue)
        let employees = entries.map { $0.finding.employeeID ?? "" }
        let targets = entries.map { JSONValue.texts($0.finding.target).serialized }
        let details = entries.map(\.finding.detail)
        let reactions = entries.map(\.reaction.rawValue)
        let residuals = entries.map(\.finding.isResidual)
        let jobs = entries.map { $0.job?.jobID ?? -1 }
        try await connection.execute(
            """
            INSERT INTO reconcile_findings (key, vendor, situation, employee_id, target, detail, residual, reaction, job_id, first_run_id, last_run_id)
            SELECT f.key, f.vendor, f.situation, NULLIF(f.employee, ''), f.target::jsonb, f.detail, f.residual, f.reaction, NULLIF(f.job, -1),
                   \(runID), \(runID)
            FROM unnest(\(keys)::text[], \(vendors)::text[], \(situations)::text[], \(employees)::text[], \(targets)::text[],
                        \(details)::text[], \(residuals)::bool[], \(reactions)::text[], \(jobs)::int8[])
                 AS f(key, vendor, situation, employee, target, detail, residual, reaction, job)
            ON CONFLICT (key) WHERE resolved_at IS NULL DO UPDATE
            SET last_seen_at = now(), last_run_id = excluded.last_run_id, target = excluded.target, detail = excluded.detail, residual = excluded.residual,
                reaction = excluded.reaction, job_id = coalesce(excluded.job_id, reconcile_findings.job_id)
            """
        )
    }
}
