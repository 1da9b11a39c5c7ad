import Foundation
import RosterCore

/// One step of a job's persisted plan, as operators see it.
public struct StepRecord: Sendable, Hashable {
    /// The step's place in the job's plan; steps run in this order.
    public var position: Int
    /// What the step does: vendor instance, action, project and role (no personal data).
    public var step: VendorStep
    /// `pending`, `running`, `succeeded`, `failed` or `skipped`.
    public var status: String
    /// Attempts recorded in `step_attempts` (the whole history, replays included).
    public var attempts: Int
    /// The step's last failure, redacted; `nil` when it has none.
    public var lastError: String?
    /// Access the vendor's API could not remove, said plainly.
    public var residual: String?
    /// `started`, `checkpointed`, `finished` or `failed`.
    public var recoveryPoint: String
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
    public var isDone: Bool { status == "succeeded" || status == "skipped" }

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
            "status": .string(status),
            "attempts": .int(attempts),
            "last_error": .text(lastError),
            "residual": .text(residual),
            "recovery_point": .string(recoveryPoint),
            "vendor_ids": .object(ids),
            "started_at": .time(startedAt),
            "finished_at": .time(finishedAt),
        ])
    }
}
