import Foundation
import RosterCore
import RosterPostgres
import RosterVendors

/// The executor's Postgres side: claiming jobs under a lease, renewing it, and finishing them.
///
/// Fencing is by claim: every claim gets a new token (`jobs.claim_token`), and every write for a
/// claimed job requires its id, that token and `status = 'running'` — the job's row, its steps,
/// attempts and checkpoints alike. A write that matches nothing throws ``FenceError``: the job was
/// cancelled, or its lease ran out and another worker claimed it, and the job's task stops with
/// no further vendor call. Two writes need only the token: letting go of the lease
/// (``release(_:requeue:)``), which a cancelled job must still do, and the audit row of a vendor
/// mutation that did happen. `lease_owner` only says which worker holds the job, for people.
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

    var leaseSeconds: Double { lease.inSeconds }

    /// Claims up to `limit` runnable jobs: by priority (leavers first), then each employee's event
    /// order, then age. A job is runnable only when no earlier job of the same employee is
    /// unfinished or still leased (a cancelled job whose worker has not yet stopped), so one
    /// employee's jobs never run concurrently or out of order. A `held` offboarding is never
    /// claimed and is unfinished: it blocks its employee's later jobs (a rehire) until an operator
    /// releases or cancels it, and it holds no lane (joiners of other employees still run).
    ///
    /// Lanes are strict: while any job of a higher priority is runnable, or a leaver's job is
    /// running anywhere, only jobs of that priority are claimed. A leaver's revocation never shares
    /// the vendors' rate budget or the workers' slots with a joiner backlog; joiners wait the few
    /// seconds it takes. A running *change* does not hold the lane: one waiting on a slow vendor
    /// (PostHog's hourly window) would otherwise stall every joiner of every other vendor, their
    /// budgets idle (measured by `ops/bench/run mixed`: 162 queued joiners with no PostHog grant,
    /// 3 of 16 slots busy, for 7 minutes).
    ///
    /// The same round trip reads each job's event and whether it already has a plan.
    func claim(limit: Int) async throws -> [JobClaim] {
        try await pool.query(claimQuery(limit: limit)).map { row in
            JobClaim(
                job: try ClaimedJob(row: row), payload: try row.decode(String?.self, column: "payload"),
                hasPlan: try row.decode(Bool.self, column: "has_plan"))
        }.sorted { ($0.job.priority, -$0.job.id) > ($1.job.priority, -$1.job.id) }
    }

    /// The claim statement: up to `limit` runnable jobs of the highest runnable priority, each
    /// after every earlier job of its employee, leased to this worker with a fresh claim token.
    /// Its runnable statuses are bound parameters: PostgreSQL plans an unnamed statement with
    /// their values, so the partial index `jobs_runnable` still serves it (a test pins the plan).
    func claimQuery(limit: Int) -> PostgresQuery {
        """
        WITH lane AS (
            -- The highest priority among jobs that could run now (runnable AND not waiting
            -- behind an earlier job of the same employee: a blocked change must not hold the
            -- lane against the onboarding it waits for) and leavers' jobs running. Index walks, not an
            -- aggregate over the backlog: the first eligible row of jobs_runnable, and the few
            -- running jobs. GREATEST ignores NULLs, as max() does.
            SELECT GREATEST(
                (SELECT j.priority FROM jobs j
                 WHERE j.status IN (\(JobStatus.queued), \(JobStatus.retrying)) AND j.run_after <= now()
                   AND NOT EXISTS (
                       SELECT 1 FROM jobs e
                       WHERE e.employee_id = j.employee_id
                         AND (e.employee_order, e.id) < (j.employee_order, j.id)
                         AND (e.status IN (\(JobStatus.queued), \(JobStatus.held), \(JobStatus.retrying), \(JobStatus.running))
                              OR (e.lease_owner IS NOT NULL AND e.lease_expires_at > now())))
                 ORDER BY j.priority DESC LIMIT 1),
                (SELECT max(priority) FROM jobs WHERE status = \(JobStatus.running) AND priority >= \(JobPriority.of(.offboarding)))
            ) AS priority
        ),
        candidates AS (
            SELECT j.id FROM jobs j, lane
            WHERE j.status IN (\(JobStatus.queued), \(JobStatus.retrying)) AND j.run_after <= now() AND j.priority = lane.priority
              AND NOT EXISTS (
                  SELECT 1 FROM jobs e
                  WHERE e.employee_id = j.employee_id
                    AND (e.employee_order, e.id) < (j.employee_order, j.id)
                    AND (e.status IN (\(JobStatus.queued), \(JobStatus.held), \(JobStatus.retrying), \(JobStatus.running))
                         OR (e.lease_owner IS NOT NULL AND e.lease_expires_at > now())))
            ORDER BY j.priority DESC, j.employee_order, j.id
            LIMIT \(Int64(limit))
            FOR UPDATE SKIP LOCKED
        ),
        claimed AS (
            -- By id through jobs_pkey: an UPDATE … FROM candidates lets the planner hash-join
            -- the whole jobs table (a sequential scan of every job, done or not, per claim).
            UPDATE jobs SET status = \(JobStatus.running), lease_owner = \(workerID), claim_token = nextval('job_claim_tokens'),
                   lease_expires_at = now() + make_interval(secs => \(leaseSeconds)),
                   attempts = jobs.attempts + 1, updated_at = now()
            WHERE jobs.id = ANY(ARRAY(SELECT id FROM candidates))
            RETURNING jobs.*
        )
        SELECT c.*, e.payload::text AS payload, EXISTS (SELECT 1 FROM job_steps s WHERE s.job_id = c.id) AS has_plan
        FROM claimed c LEFT JOIN events e ON e.event_id = c.event_id
        """
    }

    /// What the heartbeat learned of one job it tried to renew.
    enum LeaseState: Sendable, Equatable {
        /// Still running under this claim; the lease is extended.
        case held
        /// Cancelled while running; the lease is extended all the same, so that the job keeps
        /// blocking the employee's later jobs until this worker has let go.
        case cancelled
        /// Not this claim's any more (another worker claimed it), or already let go.
        case lost
    }

    /// Extends the leases of the claims this worker holds (running, or cancelled while running).
    func renew(_ claims: [ClaimedJob]) async throws -> [Int64: LeaseState] {
        guard !claims.isEmpty else { return [:] }
        let rows = try await pool.query(
            """
            UPDATE jobs SET lease_expires_at = now() + make_interval(secs => \(leaseSeconds))
            WHERE id = ANY(\(claims.map(\.id))::int8[]) AND claim_token = ANY(\(claims.map(\.token))::int8[])
              AND lease_owner IS NOT NULL AND status IN (\(JobStatus.running), \(JobStatus.cancelled))
            RETURNING id, status
            """
        ).rows
        // The claims' resource locks (project creation) live exactly as long as their leases.
        try await pool.execute(
            """
            UPDATE resource_locks SET expires_at = now() + make_interval(secs => \(leaseSeconds))
            WHERE owner = ANY(\(claims.map { Self.lockOwner($0, workerID: workerID) })::text[]) AND expires_at > now()
            """
        )
        var states = Dictionary(uniqueKeysWithValues: claims.map { ($0.id, LeaseState.lost) })
        for row in rows {
            states[try row.decode(Int64.self, column: "id")] =
                try row.decode(JobStatus.self, column: "status") == .running ? .held : .cancelled
        }
        return states
    }

    /// Throws ``FenceError`` unless `job` is still held under this claim and running: asked
    /// immediately before every vendor mutation.
    func checkFence(_ job: ClaimedJob) async throws {
        let rows = try await pool.query(
            "SELECT status, claim_token = \(job.token) AS same_claim FROM jobs WHERE id = \(job.id)"
        ).rows
        try Self.requireHeld(
            rows.first.map {
                (try $0.decode(JobStatus.self, column: "status"), try $0.decode(Bool.self, column: "same_claim"))
            }, job: job)
    }

    /// ``FenceError`` for a job row read as (status, whether the token matches).
    static func requireHeld(_ row: (status: JobStatus, sameClaim: Bool)?, job: ClaimedJob) throws {
        guard let row, row.sameClaim else { throw FenceError(code: .claimLost, jobID: job.id) }
        guard row.status == .running else { throw FenceError(code: .cancelled, jobID: job.id) }
    }

    /// After a fenced write matched nothing: why (cancelled, or the claim lost).
    func fenceFailure(_ job: ClaimedJob) async -> FenceError {
        do {
            try await checkFence(job)
        } catch let error as FenceError {
            return error
        } catch {}
        return FenceError(code: .claimLost, jobID: job.id)
    }

    /// Runs a fenced write; throws ``FenceError`` when it matched no row.
    func fenced(_ job: ClaimedJob, _ query: PostgresQuery) async throws {
        if try await pool.execute(query) == 0 { throw await fenceFailure(job) }
    }

    /// Jobs whose worker died (lease expired while running) go back to the queue, keeping their
    /// steps: the next worker resumes them from their recovery points.
    func reclaimExpired() async throws -> Int {
        try await pool.execute(
            """
            UPDATE jobs SET status = \(JobStatus.retrying), lease_owner = NULL, lease_expires_at = NULL, run_after = now(),
                   updated_at = now(), last_error = coalesce(last_error, 'worker lost its lease; resumed by another worker')
            WHERE status = \(JobStatus.running) AND lease_expires_at < now()
            """
        )
    }

    /// Lets go of a job that stopped running under us (cancelled, the claim lost, or we are shutting
    /// down). Requires only the token: a cancelled job lets go too, and a lost claim changes nothing.
    func release(_ job: ClaimedJob, requeue: Bool) async throws {
        if requeue {
            try await pool.execute(
                """
                UPDATE jobs SET status = \(JobStatus.retrying), run_after = now(), lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                WHERE id = \(job.id) AND claim_token = \(job.token) AND status = \(JobStatus.running)
                """
            )
        }
        try await pool.execute(
            "UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = \(job.id) AND claim_token = \(job.token) AND lease_owner IS NOT NULL"
        )
    }

    func succeed(_ job: ClaimedJob) async throws {
        try await fenced(
            job,
            """
            UPDATE jobs SET status = \(JobStatus.succeeded), finished_at = now(), updated_at = now(), lease_owner = NULL,
                   lease_expires_at = NULL, last_error = NULL
            WHERE id = \(job.id) AND claim_token = \(job.token) AND status = \(JobStatus.running)
            """
        )
    }

    func retry(_ job: ClaimedJob, after delay: Duration, error: String) async throws {
        let seconds = delay.inSeconds
        try await fenced(
            job,
            """
            UPDATE jobs SET status = \(JobStatus.retrying), run_after = now() + make_interval(secs => \(seconds)), last_error = \(error),
                   lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
            WHERE id = \(job.id) AND claim_token = \(job.token) AND status = \(JobStatus.running)
            """
        )
    }

    func kill(_ job: ClaimedJob, cause: String) async throws {
        try await fenced(
            job,
            """
            UPDATE jobs SET status = \(JobStatus.dead), last_error = \(cause), finished_at = now(), updated_at = now(),
                   lease_owner = NULL, lease_expires_at = NULL
            WHERE id = \(job.id) AND claim_token = \(job.token) AND status = \(JobStatus.running)
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
