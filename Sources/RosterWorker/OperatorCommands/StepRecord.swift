import Foundation
import RosterCore

/// One step of a job's persisted plan, as operators see it.
public struct StepRecord: Sendable, Hashable {
    public var position: Int
    public var step: VendorStep
    /// `pending`, `running`, `succeeded`, `failed` or `skipped`.
    public var status: String
    /// Attempts recorded in `step_attempts` (the whole history, replays included).
    public var attempts: Int
    public var lastError: String?
    /// Access the vendor's API could not remove, said plainly.
    public var residual: String?
    /// `started`, `checkpointed`, `finished` or `failed`.
    public var recoveryPoint: String
    /// Vendor ids learned so far (project, user, invite ids) and lists of items done.
    public var state: StepState
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?

    public var name: String { step.name }
    public var vendor: String { step.vendor }
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
