import Foundation
import RosterCore

/// A job as operators see it: the `jobs` row and its steps.
public struct JobRecord: Sendable, Hashable {
    public var id: Int64
    public var eventID: String
    public var employeeID: String
    public var kind: HREvent.Kind
    public var status: JobStatus
    public var priority: Int
    /// The employee's event order (`sequence`, else arrival order).
    public var employeeOrder: Int64
    /// Times the executor claimed the job.
    public var attempts: Int
    public var lastError: String?
    public var cancelReason: String?
    public var runAfter: Timestamp
    public var leaseOwner: String?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var finishedAt: Timestamp?
    /// Why the mass-offboarding brake held the job (kept after the decision, as history).
    public var holdReason: String? = nil
    /// What an operator decided about the hold (`roster holds release|cancel`), if anything yet.
    public var holdDecision: HoldDecision? = nil
    /// The persisted plan; empty until the executor first claims the job.
    public var steps: [StepRecord]

    /// The first step not done, where a replay resumes.
    public var resumePoint: StepRecord? { steps.first { !$0.isDone } }

    /// The job's JSON, the contract of `--output json` (see README, "Operating Roster").
    public var json: JSONValue {
        .object([
            "id": .int(id),
            "event_id": .string(eventID),
            "employee_id": .string(employeeID),
            "type": .string(kind.shortName),
            "status": .string(status.rawValue),
            "priority": .int(priority),
            "attempts": .int(attempts),
            "last_error": .text(lastError),
            "cancel_reason": .text(cancelReason),
            "hold_reason": .text(holdReason),
            "hold_decision": .text(holdDecision?.rawValue),
            "run_after": .time(runAfter),
            "lease_owner": .text(leaseOwner),
            "created_at": .time(createdAt),
            "updated_at": .time(updatedAt),
            "finished_at": .time(finishedAt),
            "steps": .array(steps.map(\.json)),
        ])
    }
}
