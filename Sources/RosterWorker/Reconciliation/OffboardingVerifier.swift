import Foundation
import Logging
import RosterCore
import RosterPostgres
import RosterVendors

/// Verified absence: every finished offboarding is checked again at every vendor it acted at,
/// `reconcile.verify_after_seconds` after it finished, against listings made after that moment.
/// The result is recorded per (job, vendor): `absent` ("verified absent at T": nothing of theirs
/// in listings made at or after T), `access_found` (a `leaver_has_access` finding and a
/// revocation job at that vendor, which is itself verified when it finishes), `residual` (only
/// access the vendor's API cannot remove is left: a finding for a person, no job), or `rehired`
/// (the employee's latest event is no longer an offboarding).
///
/// Due checks are grouped by vendor: one inventory, listed after the latest due moment of the
/// group, answers for every leaver in it.
struct OffboardingVerifier: Sendable {
    let pool: PostgresPool
    let pass: ReconcilePass
    /// Seconds after an offboarding finishes before it is checked.
    let verifyAfterSeconds: Int

    /// What one tick did.
    struct Outcome: Sendable, Equatable {
        var scheduled = 0
        var absent = 0
        var accessFound = 0
        var rehired = 0
        var residual = 0
        var failed = 0
    }

    /// Schedules the checks of newly finished offboardings, then runs the due ones.
    func tick(limit: Int = 1_000) async throws -> Outcome {
        var outcome = Outcome()
        outcome.scheduled = try await schedule()
        let due = try await dueChecks(limit: limit)
        guard !due.isEmpty else { return outcome }
        let employees = try await DesiredStateReader(pool: pool, planner: pass.planner).employees()
        for (vendor, checks) in Dictionary(grouping: due, by: \.vendor).sorted(by: { $0.key < $1.key }) {
            try Task.checkCancellation()
            try await verify(checks, at: vendor, employees: employees, outcome: &outcome)
        }
        return outcome
    }

    struct Check: Sendable {
        var jobID: Int64
        var vendor: String
        var employeeID: String
        var dueAt: Timestamp
        /// The offboarding left access the vendor's API cannot remove there (its steps say so).
        var leftResidual: Bool
    }

    /// One check per (finished offboarding, vendor it has steps at).
    func schedule() async throws -> Int {
        try await pool.execute(
            """
            INSERT INTO verifications (job_id, vendor, employee_id, due_at)
            SELECT j.id, s.vendor, j.employee_id, j.finished_at + make_interval(secs => \(Int64(verifyAfterSeconds)))
            FROM jobs j JOIN (SELECT DISTINCT job_id, vendor FROM job_steps) s ON s.job_id = j.id
            WHERE j.type = \(HREvent.Kind.offboarding) AND j.status = \(JobStatus.succeeded) AND j.finished_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM verifications v WHERE v.job_id = j.id)
            ON CONFLICT DO NOTHING
            """
        )
    }

    private func dueChecks(limit: Int) async throws -> [Check] {
        try await pool.query(
            """
            SELECT v.job_id, v.vendor, v.employee_id, v.due_at,
                   EXISTS (SELECT 1 FROM job_steps s WHERE s.job_id = v.job_id AND s.vendor = v.vendor AND s.residual IS NOT NULL) AS left_residual
            FROM verifications v
            WHERE v.result IS NULL AND v.due_at <= now() ORDER BY v.due_at, v.job_id LIMIT \(Int64(limit))
            """
        ).rows.map { row in
            Check(
                jobID: try row.decode(Int64.self, column: "job_id"),
                vendor: try row.decode(String.self, column: "vendor"),
                employeeID: try row.decode(String.self, column: "employee_id"),
                dueAt: try row.decode(Timestamp.self, column: "due_at"),
                leftResidual: try row.decode(Bool.self, column: "left_residual")
            )
        }
    }

    private func verify(
        _ checks: [Check], at vendor: String, employees: [Reconciliation.Employee], outcome: inout Outcome
    ) async throws {
        let store = ReconcileStore(pool: pool)
        let runID = try await store.startRun(vendor: vendor, kind: .verification, worker: pass.workerID)
        let floor = checks.map(\.dueAt).max() ?? Timestamp(secondsSince1970: Date().timeIntervalSince1970)
        var calls = 0
        do {
            guard pass.vendors[vendor] != nil else {
                throw ReconcileError(code: .unknownVendor, message: "vendor \(vendor) is not configured in this worker")
            }
            let (inventory, cost) = try await VendorInventoryReader(vendors: pass.vendors, logger: pass.logger)
                .read(vendor, notBefore: Date(timeIntervalSince1970: floor.secondsSince1970))
            calls = cost
            let validity = (pass.vendors[vendor]?.connector as? any InventoryReading)?.inviteValidity
            let findings = Reconciliation.findings(
                inventory, employees: employees,
                rules: .init(
                    managedProjects: [], inviteValidity: validity,
                    now: Timestamp(secondsSince1970: Date().timeIntervalSince1970))
            ).filter { $0.situation == .leaverHasAccess }
            let byID = ReconcilePass.index(employees)
            let findingsByEmployee = Dictionary(grouping: findings) { $0.employeeID ?? "" }
            var created = 0
            var found: [ReconcileReport.Entry] = []
            for check in checks {
                let result: String
                if byID[check.employeeID]?.access.isLeaver != true {
                    result = "rehired"
                    outcome.rehired += 1
                } else {
                    let theirs = findingsByEmployee[check.employeeID] ?? []
                    if theirs.isEmpty, !check.leftResidual {
                        result = "absent"
                        outcome.absent += 1
                    } else if theirs.isEmpty {
                        // Nothing visible, but the offboarding said what it could not remove (a
                        // Relevance AI organisation member in no project is not listed): never
                        // "verified absent".
                        result = "residual"
                        outcome.residual += 1
                    } else if theirs.allSatisfy(\.isResidual) {
                        // Only what the API cannot remove is left: recorded, for a person.
                        result = "residual"
                        outcome.residual += 1
                        found += theirs.map { ReconcileReport.Entry(finding: $0, reaction: .report) }
                    } else {
                        result = "access_found"
                        outcome.accessFound += 1
                        let entries = try await pass.react(to: theirs, byID: byID, runID: runID)
                        created += Set(entries.compactMap(\.jobID)).count
                        found += entries
                    }
                }
                try await pool.execute(
                    """
                    UPDATE verifications SET result = \(result), checked_at = \(floor)::timestamptz, run_id = \(runID),
                           attempts = attempts + 1, last_error = NULL
                    WHERE job_id = \(check.jobID) AND vendor = \(check.vendor)
                    """
                )
            }
            try await store.add(found, runID: runID)
            try await store.finishRun(
                runID, findings: found.count, jobsCreated: created, vendorCalls: calls, error: nil)
        } catch let error as CancellationError {
            try? await store.finishRun(runID, findings: 0, jobsCreated: 0, vendorCalls: calls, error: "stopped")
            throw error
        } catch {
            let message = ReconcilePass.describe(error)
            outcome.failed += checks.count
            try await pool.execute(
                """
                UPDATE verifications SET attempts = attempts + 1, last_error = \(message)
                WHERE vendor = \(vendor) AND job_id = ANY(\(checks.map(\.jobID))::int8[])
                """
            )
            try await store.finishRun(runID, findings: 0, jobsCreated: 0, vendorCalls: calls, error: message)
            pass.logger.warning("verification failed", metadata: ["vendor": "\(vendor)", "error": "\(message)"])
        }
    }
}
