import Foundation
import RosterCore
import RosterPostgres
import RosterVendors
import ServiceLifecycle

/// Steps, attempts and the audit log: the job's recovery points.
extension JobStore {
    /// The job's persisted plan, in order.
    ///
    /// - Throws: when a step's `params` or `state` cannot be read: a step must never run as if
    ///   nothing were done.
    func steps(of job: ClaimedJob) async throws -> [StepRecord] {
        try await pool.query(StepRecord.select(ofJobs: [job.id])).map { try StepRecord(row: $0) }
    }

    /// The addresses Roster recorded for the job's employee besides `email` (lower-cased, oldest
    /// first): an offboarding acts for every one of them (``VendorStep/address`` indexes this list).
    func otherAddresses(of job: ClaimedJob, besides email: String) async throws -> [String] {
        try await pool.query(
            """
            SELECT address FROM (
                SELECT lower(payload->'data'->'employee'->>'email') AS address, min(received_at) AS first
                FROM events WHERE employee_id = \(job.employeeID) GROUP BY 1
            ) recorded
            WHERE address IS NOT NULL AND address <> lower(\(email))
            ORDER BY first, address
            """
        ).rows.map { try $0.decode(String.self, column: "address") }
    }

    /// When Roster last worked on this job's employee outside what this process's directories
    /// saw: the latest activity of the employee's other jobs, and per vendor the last step of this
    /// job that another worker process finished there (an earlier run). A vendor directory listed
    /// before these may miss those changes (``DirectoryFreshness``).
    func personTouched(_ job: ClaimedJob) async throws -> PersonTouched {
        // One round trip: the row without a vendor is the other jobs', the others this job's
        // earlier runs elsewhere, per vendor.
        var otherJobs: Date?
        var byVendor: [String: Date] = [:]
        for row in try await pool.query(
            """
            SELECT NULL::text AS vendor, max(greatest(o.updated_at, o.finished_at)) AS at FROM jobs o
            WHERE o.employee_id = \(job.employeeID) AND o.id <> \(job.id)
            UNION ALL
            SELECT s.vendor, max(a.finished_at) FROM step_attempts a
            JOIN job_steps s ON s.job_id = a.job_id AND s.position = a.position
            WHERE a.job_id = \(job.id) AND a.worker <> \(workerID) AND a.outcome = \(AttemptOutcome.succeeded)
            GROUP BY s.vendor
            """
        ).rows {
            let at = try row.decode(Date?.self, column: "at")
            if let vendor = try row.decode(String?.self, column: "vendor") {
                byVendor[vendor] = at
            } else {
                otherJobs = at
            }
        }
        return PersonTouched(otherJobs: otherJobs, earlierRunsElsewhere: byVendor)
    }

    /// Persists the plan before the first vendor call, with its first step started as attempt 1;
    /// `false` if the job is no longer this worker's (cancelled, or its lease lost). Batched with
    /// the other jobs' plans (``JobWrites``).
    func savePlan(_ steps: [VendorStep], for job: ClaimedJob) async throws -> Bool {
        guard !steps.isEmpty else { return true }
        let params = steps.map(\.json.serialized)
        return try await writes.plans.submit(
            .init(
                jobID: job.id, token: job.token, names: steps.map(\.name), vendors: steps.map(\.vendor), params: params)
        )
    }

    /// Marks a step running and returns its attempt number (from 1); `nil` if the job is no
    /// longer this worker's (cancelled, or its lease lost), in which case nothing changed.
    func startStep(_ step: StepRecord, of job: ClaimedJob) async throws -> Int? {
        try await writes.starts.submit(.init(jobID: job.id, token: job.token, position: Int32(step.position)))
    }

    /// Records a step's success and its attempt, and the job's success with its last step.
    /// - Throws: ``FenceError`` when the job is no longer held and running (nothing was written).
    func stepSucceeded(
        _ position: Int, attempt: Int, startedAt: Date, outcome: StepOutcome, finishesJob: Bool, of job: ClaimedJob
    ) async throws {
        let held = try await writes.successes.submit(
            .init(
                jobID: job.id, token: job.token, position: Int32(position), attempt: Int32(attempt),
                startedAt: startedAt,
                summary: outcome.summary, residual: outcome.residual, finishesJob: finishesJob
            ))
        if !held { throw await fenceFailure(job) }
    }

    /// Undoes ``startStep(_:of:)`` for a run that made no vendor call (no slot in the budget, or an
    /// open circuit): the step is pending again and the attempt is not counted.
    /// With `givingBackAttempt == false` the attempt still counts (a call may have been cut).
    func deferStep(_ position: Int, of job: ClaimedJob, givingBackAttempt: Bool = true) async throws {
        let giveBack: Int32 = givingBackAttempt ? 1 : 0
        try await fenced(
            job,
            """
            UPDATE job_steps SET status = \(StepStatus.pending), attempts = greatest(job_steps.attempts - \(giveBack), 0), updated_at = now()
            FROM jobs WHERE job_steps.job_id = \(job.id) AND job_steps.position = \(Int32(position))
              AND jobs.id = \(job.id) AND jobs.claim_token = \(job.token) AND jobs.status = \(JobStatus.running)
            """
        )
    }

    /// The recovery point: what the step learned so far, saved before it moves on.
    ///
    /// A job cancelled while its call was in flight (`roster cancel`, or superseded by an
    /// offboarding) still records what that call did, under the same claim: the mutation
    /// happened, so its recovery point and then its audit row are written; the next mutation's
    /// fence (``checkFence(_:)``) stops the job. A claim taken over by another worker writes nothing.
    func checkpoint(_ state: StepState, step position: Int, of job: ClaimedJob) async throws {
        let json = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        try await fenced(
            job,
            """
            UPDATE job_steps SET state = \(json)::jsonb, recovery_point = \(RecoveryPoint.checkpointed), updated_at = now()
            FROM jobs WHERE job_steps.job_id = \(job.id) AND job_steps.position = \(Int32(position))
              AND jobs.id = \(job.id) AND jobs.claim_token = \(job.token) AND jobs.status IN (\(JobStatus.running), \(JobStatus.cancelled))
            """
        )
    }

    func finishStep(
        _ position: Int, of job: ClaimedJob, status: StepStatus, outcome: StepOutcome?, error: String?
    ) async throws {
        try await fenced(
            job,
            """
            UPDATE job_steps SET status = \(status), residual = \(outcome?.residual), last_error = \(error),
                   recovery_point = \(status == .succeeded ? RecoveryPoint.finished : .failed),
                   finished_at = CASE WHEN \(status.isDone) THEN now() END, updated_at = now()
            FROM jobs WHERE job_steps.job_id = \(job.id) AND job_steps.position = \(Int32(position))
              AND jobs.id = \(job.id) AND jobs.claim_token = \(job.token) AND jobs.status = \(JobStatus.running)
            """
        )
    }

    /// Appends one `step_attempts` row (read back as ``JobDetail/Attempt``); every attempt is
    /// kept: retries never overwrite history. The vendor's HTTP status and error code come from
    /// `failure`; the worker and the finishing time are this store's and the database's.
    func recordAttempt(
        _ number: Int, of position: Int, startedAt: Date, outcome: AttemptOutcome, failure: VendorError? = nil,
        message: String?, job: ClaimedJob
    ) async throws {
        try await fenced(
            job,
            """
            INSERT INTO step_attempts (job_id, position, attempt, worker, started_at, outcome, http_status, vendor_code, message)
            SELECT \(job.id), \(Int32(position)), \(Int32(number)), \(workerID), \(startedAt),
                   \(outcome), \(failure?.status.map(Int32.init)), \(failure?.vendorCode), \(message)
            FROM jobs WHERE id = \(job.id) AND claim_token = \(job.token) AND status = \(JobStatus.running)
            """
        )
    }

    /// Appends a vendor mutation to the audit log (vendor ids only, never personal data). Fenced by
    /// the claim only: the mutation happened, and a job cancelled meanwhile must still say so.
    func audit(_ record: AuditRecord, vendor: String, job: ClaimedJob) async throws {
        let target = String(decoding: try JSONEncoder().encode(record.target), as: UTF8.self)
        try await fenced(
            job,
            """
            INSERT INTO audit_log (actor, action, vendor, job_id, employee_id, target, outcome)
            SELECT \("worker:" + workerID), \(record.action.rawValue), \(vendor), \(job.id), \(job.employeeID), \(target)::jsonb, \(record.outcome.rawValue)
            FROM jobs WHERE id = \(job.id) AND claim_token = \(job.token)
            """
        )
    }
}

// MARK: - Resource locks

extension JobStore {
    /// The owner name of the resource locks a claim takes (renewed with the claim's lease).
    static func lockOwner(_ job: ClaimedJob, workerID: String) -> String { "\(workerID):\(job.id):\(job.token)" }

    /// Runs `body` holding the lease-style lock `key`; waits, polling, while someone else holds it.
    /// The lock expires with the job's lease and the heartbeat renews it with the lease
    /// (``renew(_:)``), so a dead worker never blocks others for long and a long step never loses it.
    ///
    /// `stillNeeded` is asked before every attempt: once it answers `false` (a connector learned,
    /// from another job's step, that the project exists), `body` runs without the lock. A burst of
    /// onboardings into one project then queues behind the lock only until the first one has found
    /// or created the project, instead of one after another.
    func withResourceLock<Result: Sendable>(
        _ key: String, job: ClaimedJob, while stillNeeded: () -> Bool = { true }, _ body: () async throws -> Result
    ) async throws -> Result {
        guard stillNeeded() else { return try await body() }
        let owner = Self.lockOwner(job, workerID: workerID)
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
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int64.random(in: 20...80))) }
            if !stillNeeded() { return try await body() }
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

/// When Roster last changed a person's access in ways one process's directory may not have seen.
struct PersonTouched: Sendable, Hashable {
    /// The latest activity of the employee's other jobs.
    var otherJobs: Date?
    /// Per vendor, when another worker process last finished a step of this job there.
    var earlierRunsElsewhere: [String: Date]

    /// The latest of these that matters for a step at `vendor`.
    func at(vendor: String) -> Date? {
        [otherJobs, earlierRunsElsewhere[vendor]].compactMap { $0 }.max()
    }
}
