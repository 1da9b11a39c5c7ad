import Foundation
import RosterCore
import RosterPostgres

/// One step of a job's persisted plan: its one Swift shape, read by operators and by the executor.
public struct StepRecord: Sendable, Hashable {
    /// The step's place in the job's plan; steps run in this order.
    public var position: Int
    /// What the step does: vendor instance, action, project and role (no personal data).
    public var step: VendorStep
    /// Where the step is.
    public var status: StepStatus
    /// Attempts recorded in `step_attempts` (the whole history, replays included).
    public var attempts: Int
    /// The step's last failure, redacted; `nil` when it has none.
    public var lastError: String? = nil
    /// Access the vendor's API could not remove, said plainly.
    public var residual: String? = nil
    /// `started`, `checkpointed`, `finished` or `failed`.
    public var recoveryPoint: RecoveryPoint = .started
    /// Vendor ids learned so far (project, user, invite ids) and lists of items done.
    public var state: StepState = StepState()
    /// When the step first started (kept across retries and replays); `nil` if it never has.
    public var startedAt: Timestamp? = nil
    /// When the step finished; `nil` while it has not (a replay clears it).
    public var finishedAt: Timestamp? = nil

    /// The step's name (`ensure_access`, `revoke_invites`, …), from ``step``.
    public var name: String { step.name }
    /// The vendor instance the step calls, from ``step``.
    public var vendor: String { step.vendor }
    /// Whether the step `succeeded` or was `skipped`: a resumed replay does not run it again.
    public var isDone: Bool { status.isDone }

    /// The step's JSON (see README, "Operating Roster").
    public var json: JSONValue {
        var ids: [String: JSONValue] = state.values.mapValues { .string($0) }
        for (key, list) in state.lists { ids[key] = .array(list.map { .string($0) }) }
        return .object([
            "position": .int(position),
            "name": .string(name),
            "vendor": .string(vendor),
            "project": .text(step.project),
            "role": .text(step.role),
            "status": .string(status.rawValue),
            "attempts": .int(attempts),
            "last_error": .text(lastError),
            "residual": .text(residual),
            "recovery_point": .string(recoveryPoint.rawValue),
            "vendor_ids": .object(ids),
            "started_at": .time(startedAt),
            "finished_at": .time(finishedAt),
        ])
    }
}

extension StepRecord {
    /// The statement that reads the steps of `jobIDs` with each step's `attempt_count`, in job and
    /// plan order: the executor's and the operators' reads are this one statement.
    static func select(ofJobs jobIDs: [Int64]) -> PostgresQuery {
        """
        SELECT s.*,
               (SELECT count(*) FROM step_attempts a WHERE a.job_id = s.job_id AND a.position = s.position) AS attempt_count
        FROM job_steps s WHERE s.job_id = ANY(\(jobIDs)::int8[]) ORDER BY s.job_id, s.position
        """
    }

    /// A row of ``select(ofJobs:)``, by column name.
    ///
    /// - Parameter unreadableState: what a `state` this build cannot read becomes; `nil` (the
    ///   executor's choice: it must never run a step as if nothing were done) throws instead.
    ///   Operators' views pass an empty state, so one bad row does not hide a whole job.
    /// - Throws: ``PostgresError/Code/decoding``, or a `DecodingError` for `params` this build
    ///   cannot read as a ``VendorStep`` (or its `state`, see above).
    init(row: PostgresRow, unreadableState: StepState? = nil) throws {
        let state: StepState
        do {
            state = try row.decode(JSONB.self, column: "state").decode(StepState.self)
        } catch {
            guard let unreadableState else { throw error }
            state = unreadableState
        }
        self.init(
            position: try row.decode(Int.self, column: "position"),
            step: try row.decode(JSONB.self, column: "params").decode(VendorStep.self),
            status: try row.decode(StepStatus.self, column: "status"),
            attempts: try row.decode(Int.self, column: "attempt_count"),
            lastError: try row.decode(String?.self, column: "last_error"),
            residual: try row.decode(String?.self, column: "residual"),
            recoveryPoint: try row.decode(RecoveryPoint.self, column: "recovery_point"),
            state: state,
            startedAt: try row.decode(Timestamp?.self, column: "started_at"),
            finishedAt: try row.decode(Timestamp?.self, column: "finished_at")
        )
    }
}
