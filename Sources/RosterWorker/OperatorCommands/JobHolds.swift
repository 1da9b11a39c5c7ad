import Foundation
import RosterCore
import RosterPostgres

/// `roster holds list|release|cancel`: the operator's side of the mass-offboarding brake.
///
/// - **list**: the held offboardings, oldest first.
/// - **release**: `held` → `queued` (the executor is notified, as at ingest): the offboardings
///   were real; they run, leavers first as always.
/// - **cancel**: `held` → `cancelled` with the operator's reason in `cancel_reason`: the
///   offboardings were not real (a broken HR export). A cancelled hold is **void**
///   (``HoldDecision/cancelled``): it revokes nothing and the leaver rule no longer counts it, so
///   the employee's later changes grant again, and the jobs it ended when it was recorded (listed
///   in the outcome) may be brought back with `roster replay`.
///
/// A decision covers the given ids or every job held when it runs (`all`), in ONE transaction with
/// one `audit_log` row per job (operator and reason). A job that is not held is refused, with the
/// refusal audited too; an id that does not exist fails the whole command and changes nothing.
/// Nothing held is ever dropped: a held job leaves `held` only through this type.
public struct JobHolds: Sendable {
    /// Which held jobs a decision applies to.
    public enum Selection: Sendable, Hashable {
        /// These job ids; one that does not exist fails the whole decision.
        case ids([Int64])
        /// Every job held when the command runs.
        case all
    }

    /// What a decision did to one job.
    public struct Outcome: Sendable, Hashable {
        /// The result; `roster holds release|cancel --output json` names it by the decision.
        public enum Result: Sendable, Hashable {
            /// Released (`queued`) or cancelled (void), and audited.
            case decided
            /// Dry run: it would be released or cancelled.
            case wouldDecide
            /// Not held, so not decided; the reason names its status.
            case refused(String)
        }
        /// The job decided on.
        public var jobID: Int64
        /// The HR employee id of the job (an id only).
        public var employeeID: String
        /// The job's event type (a held job is an offboarding; a refused one may not be).
        public var kind: HREvent.Kind
        /// The job's status before the decision: `held`, unless refused.
        public var previousStatus: JobStatus
        /// The decision asked for.
        public var decision: HoldDecision
        /// What the decision did to this job, or in a dry run would do.
        public var result: Result
        /// For a cancelled hold: the employee's jobs this offboarding ended when it was recorded,
        /// which the leaver rule no longer refuses to replay.
        public var supersededJobIDs: [Int64]

        /// Whether the job was refused; `roster holds` exits 1 when any was.
        public var isRefused: Bool { if case .refused = result { true } else { false } }

        /// One entry of `jobs` in `roster holds release|cancel --output json`.
        public var json: JSONValue {
            let (result, reason): (String, String?) =
                switch self.result {
                case .decided: (decision.rawValue, nil)
                case .wouldDecide: (decision == .released ? "would_release" : "would_cancel", nil)
                case .refused(let why): ("refused", why)
                }
            return .object([
                "job_id": .int(jobID), "employee_id": .string(employeeID), "type": .string(kind.shortName),
                "previous_status": .string(previousStatus.rawValue), "result": .string(result), "reason": .text(reason),
                "superseded_job_ids": .array(supersededJobIDs.map { .int($0) }),
            ])
        }
    }

    let pool: PostgresPool

    /// Creates the holds side of the brake, writing through `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    // MARK: - List

    /// The held jobs, oldest first (at most `limit`), and how many are held in all.
    ///
    /// - Throws: ``PostgresError``.
    public func list(limit: Int) async throws -> (jobs: [HeldJob], total: Int) {
        let rows = try await pool.query(
            """
            SELECT j.id, j.event_id, j.employee_id, e.event_time, coalesce(j.hold_reason, '') AS hold_reason, j.created_at,
                   (SELECT count(*) FROM jobs WHERE status = \(JobStatus.held))::int8 AS total
            FROM jobs j LEFT JOIN events e ON e.event_id = j.event_id
            WHERE j.status = \(JobStatus.held)
            ORDER BY j.created_at, j.id
            LIMIT \(Int64(max(limit, 0)))
            """
        ).rows
        let jobs = try rows.map { row in
            HeldJob(
                id: try row.decode(Int64.self, column: "id"), eventID: try row.decode(String.self, column: "event_id"),
                employeeID: try row.decode(String.self, column: "employee_id"),
                eventTime: try row.decode(Timestamp?.self, column: "event_time") ?? Timestamp(microsecondsSince1970: 0),
                reason: try row.decode(String.self, column: "hold_reason"),
                heldSince: try row.decode(Timestamp.self, column: "created_at")
            )
        }
        if let first = rows.first { return (jobs, try first.decode(Int.self, column: "total")) }
        return (jobs, 0)
    }

    // MARK: - Decide

    /// Releases or cancels the selected held jobs; `dryRun` only reads.
    ///
    /// - Throws: ``OperationsError`` (not found) when a given id does not exist (nothing is
    ///   changed); ``PostgresError``.
    public func decide(
        _ decision: HoldDecision, _ selection: Selection, dryRun: Bool, by action: OperatorAction
    ) async throws -> [Outcome] {
        try await pool.withTransaction { connection in
            let jobs = try await select(selection, lock: !dryRun, on: connection)
            if case .ids(let ids) = selection {
                let missing = ids.filter { id in !jobs.contains { $0.id == id } }
                if !missing.isEmpty {
                    throw OperationsError.notFound(
                        "job\(missing.count == 1 ? "" : "s") \(missing.map(String.init).joined(separator: ", ")) do\(missing.count == 1 ? "es" : "") not exist; nothing was done"
                    )
                }
            }
            let held = jobs.filter { $0.status == .held }
            let superseded = decision == .cancelled ? try await supersededJobs(of: held, on: connection) : [:]
            var outcomes: [Outcome] = []
            for job in jobs {
                var outcome = Outcome(
                    jobID: job.id, employeeID: job.employeeID, kind: job.kind, previousStatus: job.status,
                    decision: decision,
                    result: dryRun ? .wouldDecide : .decided, supersededJobIDs: superseded[job.id] ?? []
                )
                if job.status != .held {
                    outcome.result = .refused(
                        "job \(job.id) is \(job.status.rawValue), not held by the mass-offboarding brake; nothing to \(decision == .released ? "release" : "cancel")"
                    )
                }
                outcomes.append(outcome)
            }
            guard !dryRun else { return outcomes }
            let ids = held.map(\.id)
            switch decision {
            case .released:
                try await connection.execute(
                    """
                    UPDATE jobs SET status = \(JobStatus.queued), run_after = now(), hold_decision = \(HoldDecision.released),
                           hold_decided_at = now(), updated_at = now()
                    WHERE id = ANY(\(ids)::int8[]) AND status = \(JobStatus.held)
                    """
                )
            case .cancelled:
                try await connection.execute(
                    """
                    UPDATE jobs SET status = \(JobStatus.cancelled), cancel_reason = \("cancelled while held by \(action.name): \(action.reason)"),
                           finished_at = now(), hold_decision = \(HoldDecision.cancelled), hold_decided_at = now(), updated_at = now()
                    WHERE id = ANY(\(ids)::int8[]) AND status = \(JobStatus.held)
                    """
                )
            }
            for (job, outcome) in zip(jobs, outcomes) {
                let target: JSONValue = .object([
                    "previous_status": .string(job.status.rawValue), "hold_reason": .text(job.holdReason),
                    "superseded_job_ids": .array(outcome.supersededJobIDs.map { .int($0) }),
                ])
                let result: String =
                    switch outcome.result {
                    case .refused(let why): "refused: \(why)"
                    case .decided, .wouldDecide:
                        decision == .released ? JobStatus.queued.rawValue : JobStatus.cancelled.rawValue
                    }
                try await action.record(
                    decision.auditAction, jobID: job.id, employeeID: job.employeeID, target: target, outcome: result,
                    on: connection)
            }
            if !ids.isEmpty, decision == .released {
                // Delivered at commit, as at ingest: executors wake for jobs they can see.
                try await connection.execute("SELECT pg_notify(\(RosterSchema.jobsChannel), '')")
            }
            return outcomes
        }
    }

    /// The selected jobs by id, locked (`FOR UPDATE`) unless only reading.
    func select(_ selection: Selection, lock: Bool, on connection: PostgresConnection) async throws -> [JobRecord] {
        let query: PostgresQuery
        switch selection {
        case .all:
            query = """
                SELECT * FROM jobs WHERE status = \(JobStatus.held)
                ORDER BY id \(unescaped: lock ? "FOR UPDATE" : "")
                """
        case .ids(let ids):
            query = """
                SELECT * FROM jobs WHERE id = ANY(\(ids)::int8[])
                ORDER BY id \(unescaped: lock ? "FOR UPDATE" : "")
                """
        }
        return try await connection.query(query).decode(JobRecord.self)
    }

    /// Per held offboarding, the employee's jobs it ended (`cancel_reason` naming its event,
    /// exactly as the leaver rule words it), by job id.
    func supersededJobs(of held: [JobRecord], on connection: PostgresConnection) async throws -> [Int64: [Int64]] {
        guard !held.isEmpty else { return [:] }
        var offboardings: [Int64] = []
        var employees: [String] = []
        var reasons: [String] = []
        for job in held {
            for reason in LeaverRule.Refusal.reasons(offboardingEventID: job.eventID) {
                offboardings.append(job.id)
                employees.append(job.employeeID)
                reasons.append(reason)
            }
        }
        let rows = try await connection.query(
            """
            SELECT u.offboarding, s.id
            FROM unnest(\(offboardings)::int8[], \(employees)::text[], \(reasons)::text[]) AS u(offboarding, employee, reason)
            JOIN jobs s ON s.employee_id = u.employee AND s.status = \(JobStatus.cancelled) AND s.cancel_reason = u.reason
            ORDER BY u.offboarding, s.id
            """
        ).rows
        var result: [Int64: [Int64]] = [:]
        for row in rows {
            result[try row.decode(Int64.self, column: "offboarding"), default: []].append(
                try row.decode(Int64.self, column: "id"))
        }
        return result
    }
}
