import Foundation
import RosterCore
import RosterPostgres

/// The executor's Postgres side: claiming jobs under a lease, renewing it, and finishing them.
/// Every write that belongs to a claimed job checks `lease_owner`, so a worker that lost its
/// lease (it stalled past the lease and another worker reclaimed the job) cannot clobber it.
struct JobStore: Sendable {
    let pool: PostgresPool
    let workerID: String
    let lease: Duration
    /// The hot writes, batched across this process's jobs.
    let writes: JobWrites

    init(pool: PostgresPool, workerID: String, lease: Duration) {
        self.pool = pool
        self.workerID = workerID
        self.lease = lease
        self.writes = JobWrites(pool: pool, workerID: workerID)
    }

    var leaseSeconds: Double { Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18 }

    /// Claims up to `limit` runnable jobs: by priority (leavers first), then each employee's event
    /// order, then age. A job is runnable only when no earlier job of the same employee is
    /// unfinished or still leased (a cancelled job whose worker has not yet stopped), so one
    /// employee's jobs never run concurrently or out of order.
    ///
    /// Lanes are strict: while any job of a higher priority is runnable or running anywhere, only
    /// jobs of that priority are claimed. A leaver's revocation never shares the vendors' rate
    /// budget or the workers' slots with a joiner backlog; joiners wait the few seconds it takes.
    ///
    /// The same round trip reads each job's event and whether it already has a plan.
    func claim(limit: Int) async throws -> [JobClaim] {
        let rows = try await pool.query(
            """
            WITH lane AS (
                -- The highest priority among jobs that could run now (runnable AND not waiting
                -- behind an earlier job of the same employee: a blocked change must not hold the
                -- lane against the onboarding it waits for) and jobs running. Index walks, not an
                -- aggregate over the backlog: the first eligible row of jobs_runnable, and the few
                -- running jobs. GREATEST ignores NULLs, as max() does.
                SELECT GREATEST(
                    (SELECT j.priority FROM jobs j
                     WHERE j.status IN ('queued', 'retrying') AND j.run_after <= now()
                       AND NOT EXISTS (
                           SELECT 1 FROM jobs e
                           WHERE e.employee_id = j.employee_id
                             AND (e.employee_order, e.id) < (j.employee_order, j.id)
                             AND (e.status IN ('queued', 'retrying', 'running')
                                  OR (e.lease_owner IS NOT NULL AND e.lease_expires_at > now())))
                     ORDER BY j.priority DESC LIMIT 1),
                    (SELECT max(priority) FROM jobs WHERE status = 'running')
                ) AS priority
            ),
            candidates AS (
                SELECT j.id FROM jobs j, lane
                WHERE j.status IN ('queued', 'retrying') AND j.run_after <= now() AND j.priority = lane.priority
                  AND NOT EXISTS (
                      SELECT 1 FROM jobs e
                      WHERE e.employee_id = j.employee_id
                        AND (e.employee_order, e.id) < (j.employee_order, j.id)
                        AND (e.status IN ('queued', 'retrying', 'running')
                             OR (e.lease_owner IS NOT NULL AND e.lease_expires_at > now())))
                ORDER BY j.priority DESC, j.employee_order, j.id
                LIMIT \(Int64(limit))
                FOR UPDATE SKIP LOCKED
            ),
            claimed AS (
                -- By id through jobs_pkey: an UPDATE … FROM candidates lets the planner hash-join
                -- the whole jobs table (a sequential scan of every job, done or not, per claim).
                UPDATE jobs SET status = 'running', lease_owner = \(workerID),
                       lease_expires_at = now() + make_interval(secs => \(leaseSeconds)),
                       attempts = jobs.attempts + 1, updated_at = now()
                WHERE jobs.id = ANY(ARRAY(SELECT id FROM candidates))
                RETURNING jobs.id, jobs.event_id, jobs.employee_id, jobs.type, jobs.priority, jobs.attempts
            )
            SELECT c.id, c.event_id, c.employee_id, c.type, c.priority, c.attempts, e.payload::text,
                   EXISTS (SELECT 1 FROM job_steps s WHERE s.job_id = c.id)
            FROM claimed c LEFT JOIN events e ON e.event_id = c.event_id
            """
        ).rows
        return try rows.compactMap { row in
            guard let kind = HREvent.Kind(shortName: try row.decode(String.self, at: 3)) else { return nil }
            let job = ClaimedJob(
                id: try row.decode(Int64.self, at: 0), eventID: try row.decode(String.self, at: 1),
                employeeID: try row.decode(String.self, at: 2), kind: kind,
                priority: Int16(try row.decode(Int64.self, at: 4)), attempts: Int(try row.decode(Int64.self, at: 5))
            )
            return JobClaim(job: job, payload: try row.decode(String?.self, at: 6), hasPlan: try row.decode(Bool.self, at: 7))
        }.sorted { ($0.job.priority, -$0.job.id) > ($1.job.priority, -$1.job.id) }
    }

    /// Extends the leases of the jobs this worker is running; returns the ids it still holds.
    func renew(_ ids: [Int64]) async throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        let rows = try await pool.query(
            """
            UPDATE jobs SET lease_expires_at = now() + make_interval(secs => \(leaseSeconds))
            WHERE id = ANY(\(ids)::int8[]) AND lease_owner = \(workerID) AND status = 'running'
            RETURNING id
            """
        ).rows
        return Set(try rows.map { try $0.decode(Int64.self, at: 0) })
    }

    /// Jobs whose worker died (lease expired while running) go back to the queue, keeping their
    /// steps: the next worker resumes them from their recovery points.
    func reclaimExpired() async throws -> Int {
        try await pool.execute(
            """
            UPDATE jobs SET status = 'retrying', lease_owner = NULL, lease_expires_at = NULL, run_after = now(),
                   updated_at = now(), last_error = coalesce(last_error, 'worker lost its lease; resumed by another worker')
            WHERE status = 'running' AND lease_expires_at < now()
            """
        )
    }

    /// Lets go of a job that stopped running under us (cancelled, or we are shutting down).
    func release(_ job: ClaimedJob, requeue: Bool) async throws {
        if requeue {
            try await pool.execute(
                """
                UPDATE jobs SET status = 'retrying', run_after = now(), lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                WHERE id = \(job.id) AND lease_owner = \(workerID) AND status = 'running'
                """
            )
        }
        try await pool.execute(
            "UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = \(job.id) AND lease_owner = \(workerID)"
        )
    }

    func succeed(_ job: ClaimedJob) async throws {
        try await pool.execute(
            """
            UPDATE jobs SET status = 'succeeded', finished_at = now(), updated_at = now(), lease_owner = NULL,
                   lease_expires_at = NULL, last_error = NULL
            WHERE id = \(job.id) AND lease_owner = \(workerID) AND status = 'running'
            """
        )
    }

    func retry(_ job: ClaimedJob, after delay: Duration, error: String) async throws {
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        try await pool.execute(
            """
            UPDATE jobs SET status = 'retrying', run_after = now() + make_interval(secs => \(seconds)), last_error = \(error),
                   lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
            WHERE id = \(job.id) AND lease_owner = \(workerID) AND status = 'running'
            """
        )
    }

    func kill(_ job: ClaimedJob, cause: String) async throws {
        try await pool.execute(
            """
            UPDATE jobs SET status = 'dead', last_error = \(cause), finished_at = now(), updated_at = now(),
                   lease_owner = NULL, lease_expires_at = NULL
            WHERE id = \(job.id) AND lease_owner = \(workerID) AND status = 'running'
            """
        )
    }

    /// The event a claimed job came from (its payload as stored at ingest, read by the claim).
    func event(of claim: JobClaim) throws -> HREvent {
        let job = claim.job
        guard let payload = claim.payload else {
            throw ExecutionError.missingEvent(job.eventID)
        }
        do {
            return try HREventDecoder().decode(Array(payload.utf8))
        } catch {
            throw ExecutionError.undecodableEvent(job.eventID, error)
        }
    }
}
