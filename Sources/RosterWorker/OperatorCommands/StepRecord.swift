import Foundation
import RosterCore
import RosterPostgres

/// One step of a job's persisted plan, as operators see it.
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
    public var lastError: String?
    /// Access the vendor's API could not remove, said plainly.
    public var residual: String?
    /// `started`, `checkpointed`, `finished` or `failed`.
    public var recoveryPoint: RecoveryPoint
    /// Vendor ids learned so far (project, user, invite ids) and lists of items done.
    public var state: StepState
    /// When the step first started (kept across retries and replays); `nil` if it never has.
    public var startedAt: Timestamp?
    /// When the step finished; `nil` while it has not (a replay clears it).
    public var finishedAt: Timestamp?

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
    /// A `job_steps` row with its `attempt_count` (``JobReader`` selects `job_steps.*` and counts
    /// the step's attempts), by column name. A `state` this build cannot read shows as empty.
    ///
    /// - Throws: ``PostgresError/Code/decoding``, or a `DecodingError` for `params` this build
    ///   cannot read as a ``VendorStep``.
    init(row: PostgresRow) throws {
        self.init(
            position: try row.decode(Int.self, column: "position"),
            step: try row.decode(JSONB.self, column: "params").decode(VendorStep.self),
            status: try row.decode(StepStatus.self, column: "status"),
            attempts: try row.decode(Int.self, column: "attempt_count"),
            lastError: try row.decode(String?.self, column: "last_error"),
            residual: try row.decode(String?.self, column: "residual"),
            recoveryPoint: try row.decode(RecoveryPoint.self, column: "recovery_point"),
            state: (try? row.decode(JSONB.self, column: "state").decode(StepState.self)) ?? StepState(),
            startedAt: try row.decode(Timestamp?.self, column: "started_at"),
            finishedAt: try row.decode(Timestamp?.self, column: "finished_at")
        )
    }
}
