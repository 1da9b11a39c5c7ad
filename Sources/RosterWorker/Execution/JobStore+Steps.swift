import Foundation
import RosterCore
import RosterPostgres
import RosterVendors

/// Steps, attempts and the audit log: the job's recovery points.
extension JobStore {
    func steps(of job: ClaimedJob) async throws -> [PersistedStep] {
        let rows = try await pool.query(
            "SELECT position, params::text, status, attempts, state::text FROM job_steps WHERE job_id = \(job.id) ORDER BY position"
        ).rows
        let decoder = JSONDecoder()
        return try rows.map { row in
            PersistedStep(
                position: Int(try row.decode(Int64.self, at: 0)),
                step: try decoder.decode(VendorStep.self, from: Data(try row.decode(String.self, at: 1).utf8)),
                status: PersistedStep.Status(rawValue: try row.decode(String.self, at: 2)) ?? .pending,
                attempts: Int(try row.decode(Int64.self, at: 3)),
                state: try decoder.decode(StepState.self, from: Data(try row.decode(String.self, at: 4).utf8))
            )
        }
    }

    /// Persists the plan before the first vendor call; a no-op if another attempt already did.
    func savePlan(_ steps: [VendorStep], for job: ClaimedJob) async throws {
        guard !steps.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let positions = steps.indices.map { Int32($0) }
        let names = steps.map(\.name)
        let vendors = steps.map(\.vendor)
        let params = try steps.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        // One statement (one round trip): the lease check locks the job row for the insert, as
        // a transaction around SELECT … FOR UPDATE and INSERT would.
        try await pool.execute(
            """
            WITH held AS (
                SELECT id FROM jobs WHERE id = \(job.id) AND lease_owner = \(workerID) AND status = 'running' FOR UPDATE
            )
            INSERT INTO job_steps (job_id, position, name, vendor, params)
            SELECT held.id, p, n, v, j::jsonb
            FROM held, unnest(\(positions)::int4[], \(names)::text[], \(vendors)::text[], \(params)::text[]) AS s(p, n, v, j)
            ON CONFLICT (job_id, position) DO NOTHING
            """
        )
    }

    /// Marks a step running and returns its attempt number (from 1).
    func startStep(_ step: PersistedStep, of job: ClaimedJob) async throws -> Int {
        let rows = try await pool.query(
            """
            UPDATE job_steps SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()), updated_at = now()
            WHERE job_id = \(job.id) AND position = \(Int32(step.position))
            RETURNING attempts
            """
        ).rows
        return Int(try rows.first?.decode(Int64.self, at: 0) ?? Int64(step.attempts + 1))
    }

    /// Undoes ``startStep(_:of:)`` for a run that made no vendor call (no slot in the budget, or an
    /// open circuit): the step is pending again and the attempt is not counted.
    func deferStep(_ position: Int, of job: ClaimedJob) async throws {
        try await pool.execute(
            """
            UPDATE job_steps SET status = 'pending', attempts = greatest(attempts - 1, 0), updated_at = now()
            WHERE job_id = \(job.id) AND position = \(Int32(position))
            """
        )
    }

    /// The recovery point: what the step learned so far, saved before it moves on.
    func checkpoint(_ state: StepState, step position: Int, of job: ClaimedJob) async throws {
        let json = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        try await pool.execute(
            """
            UPDATE job_steps SET state = \(json)::jsonb, recovery_point = 'checkpointed', updated_at = now()
            WHERE job_id = \(job.id) AND position = \(Int32(position))
            """
        )
    }

    func finishStep(_ position: Int, of job: ClaimedJob, status: PersistedStep.Status, outcome: StepOutcome?, error: String?) async throws {
        try await pool.execute(
            """
            UPDATE job_steps SET status = \(status.rawValue), residual = \(outcome?.residual), last_error = \(error),
                   recovery_point = \(status == .succeeded ? "finished" : "failed"),
                   finished_at = CASE WHEN \(status.rawValue) IN ('succeeded', 'skipped') THEN now() END, updated_at = now()
            WHERE job_id = \(job.id) AND position = \(Int32(position))
            """
        )
    }

    struct Attempt: Sendable {
        var position: Int
        var number: Int
        var startedAt: Date
        var outcome: String
        var httpStatus: Int?
        var vendorCode: String?
        var message: String?
    }

    /// Every attempt is kept: retries never overwrite history.
    func record(_ attempt: Attempt, of job: ClaimedJob) async throws {
        try await pool.execute(
            """
            INSERT INTO step_attempts (job_id, position, attempt, worker, started_at, outcome, http_status, vendor_code, message)
            VALUES (\(job.id), \(Int32(attempt.position)), \(Int32(attempt.number)), \(workerID), \(attempt.startedAt),
                    \(attempt.outcome), \(attempt.httpStatus.map(Int32.init)), \(attempt.vendorCode), \(attempt.message))
            """
        )
    }

    /// Appends a vendor mutation to the audit log (vendor ids only, never personal data).
    func audit(_ record: AuditRecord, vendor: String, job: ClaimedJob) async throws {
        let target = String(decoding: try JSONEncoder().encode(record.target), as: UTF8.self)
        try await pool.execute(
            """
            INSERT INTO audit_log (actor, action, vendor, job_id, employee_id, target, outcome)
            VALUES (\("worker:" + workerID), \(record.action), \(vendor), \(job.id), \(job.employeeID), \(target)::jsonb, \(record.outcome))
            """
        )
    }
}

// MARK: - Resource locks

extension JobStore {
    /// Runs `body` holding the lease-style lock `key` (expiring with the job lease, so a dead
    /// worker never blocks others for long); waits, polling, while someone else holds it.
    func withResourceLock<Result: Sendable>(_ key: String, job: ClaimedJob, _ body: () async throws -> Result) async throws -> Result {
        let owner = "\(workerID):\(job.id)"
        while true {
            let acquired = try await pool.query(
                """
                INSERT INTO resource_locks (key, owner, expires_at) VALUES (\(key), \(owner), now() + make_interval(secs => \(leaseSeconds)))
                ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                WHERE resource_locks.expires_at < now() OR resource_locks.owner = excluded.owner
                RETURNING 1
                """
            ).rows
            if !acquired.isEmpty { break }
            try await Task.sleep(for: .milliseconds(Int64.random(in: 20...80)))
        }
        do {
            let result = try await body()
            try await pool.execute("DELETE FROM resource_locks WHERE key = \(key) AND owner = \(owner)")
            return result
        } catch {
            _ = try? await pool.execute("DELETE FROM resource_locks WHERE key = \(key) AND owner = \(owner)")
            throw error
        }
    }
}
