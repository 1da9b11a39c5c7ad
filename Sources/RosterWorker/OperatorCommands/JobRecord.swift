import Foundation
import RosterCore
import RosterPostgres

/// A job as operators see it: the `jobs` row and its steps.
public struct JobRecord: Sendable, Hashable {
    /// The `jobs` row id, as `roster jobs show`, `replay` and `cancel` take it.
    public var id: Int64
    /// The HR event the job came from (one job per event).
    public var eventID: String
    /// The HR employee id: an id only, the job keeps no email or name.
    public var employeeID: String
    /// The event's type, which decides the plan: onboarding, offboarding or change.
    public var kind: HREvent.Kind
    /// The job's state (`queued`, `held`, `running`, `retrying`, `succeeded`, `dead`, `cancelled`).
    public var status: JobStatus
    /// Claim priority, higher first: offboarding 100, changed 20, onboarding 10 (``JobPriority``).
    public var priority: Int
    /// The employee's arrival order (`employee_order`: the order Roster recorded their events in;
    /// the HR `sequence`, when given, is kept apart in `employee_sequence`).
    public var employeeOrder: Int64
    /// Times the executor claimed the job.
    public var attempts: Int
    /// The last failure, redacted (no emails, names or keys); cleared on success and by a replay.
    public var lastError: String?
    /// Why the job was cancelled: by an operator (with their reason), a hold decision, or a later
    /// offboarding that superseded it.
    public var cancelReason: String?
    /// The earliest time the executor may claim it (the retry backoff while `retrying`).
    public var runAfter: Timestamp
    /// The worker that claimed the job and still holds its lease, if any; a cancelled job keeps it
    /// until that worker lets go.
    public var leaseOwner: String?
    /// When ingest recorded the job; for a held job, when the hold began.
    public var createdAt: Timestamp
    /// The last change to the row; `--since` and `--until` select on it.
    public var updatedAt: Timestamp
    /// When the job succeeded, died or was cancelled; `nil` while unfinished (a replay clears it).
    public var finishedAt: Timestamp?
    /// Why the mass-offboarding brake held the job (kept after the decision, as history).
    public var holdReason: String? = nil
    /// What an operator decided about the hold (`roster holds release|cancel`), if anything yet.
    public var holdDecision: HoldDecision? = nil
    /// Who asked for the job: an HR event, or reconciliation acting on a finding.
    public var origin: JobOrigin = .hr
    /// The vendor instances the job acts at (a reconciliation job acts at one); `nil`: every
    /// vendor its plan names.
    public var vendors: [String]? = nil
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

extension JobRecord: PostgresRowDecodable {
    /// A `jobs` row, by column name (``JobReader`` selects `jobs.*`); ``steps`` are left empty.
    public init(row: PostgresRow) throws(PostgresError) {
        self.init(
            id: try row.decode(Int64.self, column: "id"),
            eventID: try row.decode(String.self, column: "event_id"),
            employeeID: try row.decode(String.self, column: "employee_id"),
            kind: try row.decode(HREvent.Kind.self, column: "type"),
            status: try row.decode(JobStatus.self, column: "status"),
            priority: try row.decode(Int.self, column: "priority"),
            employeeOrder: try row.decode(Int64.self, column: "employee_order"),
            attempts: try row.decode(Int.self, column: "attempts"),
            lastError: try row.decode(String?.self, column: "last_error"),
            cancelReason: try row.decode(String?.self, column: "cancel_reason"),
            runAfter: try row.decode(Timestamp.self, column: "run_after"),
            leaseOwner: try row.decode(String?.self, column: "lease_owner"),
            createdAt: try row.decode(Timestamp.self, column: "created_at"),
            updatedAt: try row.decode(Timestamp.self, column: "updated_at"),
            finishedAt: try row.decode(Timestamp?.self, column: "finished_at"),
            holdReason: try row.decode(String?.self, column: "hold_reason"),
            holdDecision: try row.decode(HoldDecision?.self, column: "hold_decision"),
            origin: try row.decode(JobOrigin.self, column: "origin"),
            vendors: try row.decode([String]?.self, column: "vendors"),
            steps: []
        )
    }
}
