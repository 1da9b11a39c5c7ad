import Foundation
import RosterCore
import RosterPostgres

/// `roster replay`: puts dead (or cancelled, or with `fromStart` succeeded) jobs back in the
/// queue so the executor runs them again.
///
/// - By default a replay **resumes**: steps already done stay done, and the first unfinished step
///   goes back to `pending` with a fresh retry budget (its earlier attempts stay in
///   `step_attempts`), keeping the vendor ids it had learned. With `fromStart` the persisted plan
///   is dropped and the executor plans the job again from the current configuration.
/// - It **refuses** an onboarding or change for an employee whose offboarding came later (it would
///   re-grant a leaver's access), a job that is still queued, running or retrying, and a job a
///   worker still holds a lease on.
/// - Each replay (and each refusal) is one transaction with its audit row; `dryRun` only reads.
/// - A `held` job is refused: the brake's hold is decided with `roster holds release|cancel`.
/// - A replayed offboarding does **not** pass the mass-offboarding brake again: it was counted when
///   it was recorded (and held then, if beyond the limit), and a replay is one operator's decision
///   with a reason, not the automated burst the brake guards against. Replaying an offboarding
///   cancelled while held makes it a real offboarding again (its hold decision becomes `released`).
public struct JobReplayer: Sendable {
    /// More jobs than this in one command need `confirmed` (`--yes`).
    public static let bulkThreshold = 10

    /// How to replay: resume or from the start, for real or as a dry run.
    public struct Options: Sendable {
        /// Drop the persisted plan so the executor plans again from the current configuration
        /// (`--from-start`); the only way to replay a `succeeded` job.
        public var fromStart = false
        /// Only read: report each job's result and the calls it would make (`--dry-run`).
        public var dryRun = false
        /// Creates options; the defaults resume, for real.
        public init(fromStart: Bool = false, dryRun: Bool = false) {
            self.fromStart = fromStart
            self.dryRun = dryRun
        }
    }

    /// What happened to one job.
    public struct Outcome: Sendable {
        /// The result, as `result` in `roster replay --output json` names it.
        public enum Result: Sendable, Hashable {
            /// Back in `queued`, audited, and the executors notified.
            case replayed
            /// Dry run: it would be replayed.
            case wouldReplay
            /// Not replayed; the reason says why (still unfinished, held, leased, or a leaver's).
            case refused(String)
        }
        /// The job before the replay: re-read under lock, or in a dry run as given.
        public var job: JobRecord
        /// What the replay did, or in a dry run would do.
        public var result: Result
        /// The calls the executor will make, from the current state.
        public var calls: [PlannedCall]

        /// Whether it was refused; `roster replay` exits 1 when any job was.
        public var isRefused: Bool { if case .refused = result { true } else { false } }

        /// One entry of `jobs` in `roster replay --output json`, with its `planned_calls`.
        public var json: JSONValue {
            let (status, reason): (String, String?) =
                switch result {
                case .replayed: ("replayed", nil)
                case .wouldReplay: ("would_replay", nil)
                case .refused(let why): ("refused", why)
                }
            return .object([
                "job_id": .int(job.id), "employee_id": .string(job.employeeID), "type": .string(job.kind.shortName),
                "previous_status": .string(job.status.rawValue), "result": .string(status), "reason": .text(reason),
                "planned_calls": .array(calls.map(\.json)),
            ])
        }
    }

    let pool: PostgresPool
    let planner: JobPlanner

    /// Creates a replayer; `configuration` is what a fresh plan is made from
    /// (``Options/fromStart``, or a job never planned).
    public init(pool: PostgresPool, configuration: RosterConfiguration) {
        self.pool = pool
        self.planner = JobPlanner(configuration: configuration)
    }

    /// Replays each job in turn; a refusal of one does not stop the others.
    ///
    /// - Throws: ``OperationsError`` (refused) when more than ``bulkThreshold`` jobs are given
    ///   without `confirmed` (dry runs excepted); ``PostgresError``.
    public func replay(
        _ jobs: [JobRecord], options: Options, by action: OperatorAction, confirmed: Bool
    ) async throws -> [Outcome] {
        if jobs.count > Self.bulkThreshold, !confirmed, !options.dryRun {
            throw OperationsError.refused(
                "\(jobs.count) jobs match; replaying more than \(Self.bulkThreshold) at once needs --yes (see them first with --dry-run)"
            )
        }
        var outcomes: [Outcome] = []
        for job in jobs {
            outcomes.append(try await replay(job, options: options, by: action))
        }
        return outcomes
    }

    func replay(_ snapshot: JobRecord, options: Options, by action: OperatorAction) async throws -> Outcome {
        if options.dryRun {
            let calls = try await plannedCalls(for: snapshot, fromStart: options.fromStart)
            if let refusal = try await refusal(for: snapshot, fromStart: options.fromStart, on: nil) {
                return Outcome(job: snapshot, result: .refused(refusal), calls: [])
            }
            return Outcome(job: snapshot, result: .wouldReplay, calls: calls)
        }
        let calls = try await plannedCalls(for: snapshot, fromStart: options.fromStart)
        return try await pool.withTransaction { connection in
            // The row as it is now, locked: the executor cannot claim or finish it meanwhile.
            guard
                let job = try await JobReader(pool: pool).list(
                    JobFilter(ids: [snapshot.id], limit: 1), on: connection, lock: true
                ).first
            else {
                throw OperationsError.notFound("job \(snapshot.id) does not exist")
            }
            if let refusal = try await refusal(for: job, fromStart: options.fromStart, on: connection) {
                try await action.record(
                    "replay", jobID: job.id, employeeID: job.employeeID,
                    target: .object(["previous_status": .string(job.status.rawValue)]), outcome: "refused: \(refusal)",
                    on: connection)
                return Outcome(job: job, result: .refused(refusal), calls: [])
            }
            let resume = job.resumePoint
            if options.fromStart {
                try await connection.execute("DELETE FROM job_steps WHERE job_id = \(job.id)")
            } else {
                try await connection.execute(
                    """
                    UPDATE job_steps SET status = \(StepStatus.pending), attempts = 0, updated_at = now(), finished_at = NULL,
                           recovery_point = CASE WHEN state = '{}'::jsonb THEN \(RecoveryPoint.started) ELSE \(RecoveryPoint.checkpointed) END
                    WHERE job_id = \(job.id) AND status NOT IN (\(StepStatus.succeeded), \(StepStatus.skipped))
                    """
                )
            }
            try await connection.execute(
                """
                UPDATE jobs SET status = \(JobStatus.queued), run_after = now(), last_error = NULL, cancel_reason = NULL, finished_at = NULL,
                       lease_owner = NULL, lease_expires_at = NULL, updated_at = now(),
                       hold_decision = CASE WHEN hold_decision = \(HoldDecision.cancelled) THEN \(HoldDecision.released) ELSE hold_decision END,
                       hold_decided_at = CASE WHEN hold_decision = \(HoldDecision.cancelled) THEN now() ELSE hold_decided_at END
                WHERE id = \(job.id)
                """
            )
            let target: JSONValue = .object([
                "previous_status": .string(job.status.rawValue), "from_start": .bool(options.fromStart),
                "from_step": options.fromStart ? .null : .text(resume?.name),
                "from_position": options.fromStart ? .null : .int(resume?.position),
                "from_vendor": options.fromStart ? .null : .text(resume?.vendor),
            ])
            try await action.record(
                "replay", jobID: job.id, employeeID: job.employeeID, target: target, outcome: "queued", on: connection)
            try await connection.execute("SELECT pg_notify(\(RosterSchema.jobsChannel), '')")
            return Outcome(job: job, result: .replayed, calls: calls)
        }
    }

    /// Why `job` must not be replayed, or `nil`.
    func refusal(for job: JobRecord, fromStart: Bool, on connection: PostgresConnection?) async throws -> String? {
        switch job.status {
        case .queued, .running, .retrying:
            return
                "job \(job.id) is \(job.status.rawValue); only finished jobs are replayed (cancel it first to stop it)"
        case .held:
            return
                "job \(job.id) is held by the mass-offboarding brake; decide it with roster holds release or roster holds cancel"
        case .succeeded where !fromStart:
            return "job \(job.id) succeeded; nothing to resume (--from-start runs every step again)"
        case .succeeded, .dead, .cancelled:
            break
        }
        let reader = JobReader(pool: pool)
        let lease = try await reader.run(
            "SELECT lease_owner FROM jobs WHERE id = \(job.id) AND lease_owner IS NOT NULL AND lease_expires_at > now()",
            on: connection
        ).rows.first
        if let owner = try lease?.decode(String.self, column: "lease_owner") {
            return
                "job \(job.id) is still held by worker \(owner), which has not let go of it yet; try again in a moment"
        }
        guard job.kind != .offboarding else { return nil }
        // The same rule as ingest (``LeaverRule``): an onboarding ordered at or before an
        // offboarding, or a change after one with no rehire between, must never run again.
        let rows = try await reader.run(
            """
            SELECT id, event_id, type, employee_order, employee_sequence FROM jobs
            WHERE employee_id = \(job.employeeID) AND (type <> \(HREvent.Kind.changed) OR id = \(job.id)) AND NOT \(fragment: HoldDecision.voided("jobs"))
            """,
            on: connection
        ).rows
        var history: [LeaverRule.Entry] = []
        var position: EmployeePosition?
        for row in rows {
            let id = try row.decode(Int64.self, column: "id")
            let entry = LeaverRule.Entry(
                jobID: id, eventID: try row.decode(String.self, column: "event_id"),
                kind: try row.decode(HREvent.Kind.self, column: "type"),
                position: EmployeePosition(
                    arrival: try row.decode(Int64.self, column: "employee_order"),
                    sequence: try row.decode(Int64?.self, column: "employee_sequence")
                ),
                isUnfinished: false
            )
            if id == job.id { position = entry.position } else { history.append(entry) }
        }
        guard let position,
            let refusal = LeaverRule.refusal(kind: job.kind, eventID: job.eventID, position: position, history: history)
        else {
            return nil
        }
        let leaverJob = history.first { $0.eventID == refusal.offboardingEventID }?.jobID.map { ", job \($0)" } ?? ""
        switch refusal.kind {
        case .superseded:
            return
                "employee \(job.employeeID) was offboarded after this \(job.kind.shortName) (offboarding event \(refusal.offboardingEventID)\(leaverJob)); replaying it would re-grant a leaver's access"
        case .changeAfterOffboarding:
            return
                "employee \(job.employeeID) was offboarded before this change (offboarding event \(refusal.offboardingEventID)\(leaverJob)) and not rehired since; replaying it would re-grant a leaver's access: an onboarding after the offboarding is needed to rehire"
        }
    }

    /// The calls the executor would make: the unfinished steps of the persisted plan, or a fresh
    /// plan from the current configuration (`fromStart`, or a job never planned).
    func plannedCalls(for job: JobRecord, fromStart: Bool) async throws -> [PlannedCall] {
        if !fromStart, !job.steps.isEmpty {
            return job.steps.filter { !$0.isDone }.map {
                PlannedCall(position: $0.position, step: $0.step, known: $0.state.values)
            }
        }
        let rows = try await pool.query("SELECT payload::text AS payload FROM events WHERE event_id = \(job.eventID)")
            .rows
        guard let payload = try rows.first?.decode(String.self, column: "payload"),
            let event = try? HREventDecoder().decode(Array(payload.utf8))
        else {
            return []
        }
        let steps = (try? planner.plan(for: event)) ?? []
        return steps.enumerated().map { PlannedCall(position: $0.offset, step: $0.element) }
    }
}
