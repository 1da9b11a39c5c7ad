import RosterCore
import RosterPostgres

/// A job this worker holds a lease on.
public struct ClaimedJob: Sendable, Hashable {
    /// The job's row id (`jobs.id`).
    public var id: Int64
    /// The `id` of the event the job came from (`events.event_id`, its deduplication key).
    public var eventID: String
    /// The employee the job acts for (`data.employee.id` of its event).
    public var employeeID: String
    /// Onboarding, offboarding or change.
    public var kind: HREvent.Kind
    /// The claim lane (``JobPriority``): higher runs first, leavers ahead of joiners.
    public var priority: Int16
    /// Claims so far, this one included.
    public var attempts: Int
    /// This claim's fencing token: every write for the job requires it (and `running`).
    public var token: Int64
    /// The vendor instances the job acts at (a reconciliation job acts at one); `nil`: every
    /// vendor its plan names.
    public var vendors: [String]? = nil
}

/// One persisted step of a job's plan.
struct PersistedStep: Sendable, Hashable {

    var position: Int
    var step: VendorStep
    var status: StepStatus
    var attempts: Int
    var state: StepState
    /// Why its last attempt failed, if it did.
    var lastError: String? = nil
}

extension PersistedStep {
    /// A `job_steps` row, by column name.
    ///
    /// - Throws: ``PostgresError/Code/decoding``, or a `DecodingError` for `params` or `state`
    ///   this build cannot read.
    init(row: PostgresRow) throws {
        self.init(
            position: try row.decode(Int.self, column: "position"),
            step: try row.decode(JSONB.self, column: "params").decode(VendorStep.self),
            status: try row.decode(StepStatus.self, column: "status"),
            attempts: try row.decode(Int.self, column: "attempts"),
            state: try row.decode(JSONB.self, column: "state").decode(StepState.self),
            lastError: try row.decode(String?.self, column: "last_error")
        )
    }
}

extension ClaimedJob: PostgresRowDecodable {
    /// The claimed `jobs` row, by column name (the claim returns `jobs.*`).
    public init(row: PostgresRow) throws(PostgresError) {
        self.init(
            id: try row.decode(Int64.self, column: "id"),
            eventID: try row.decode(String.self, column: "event_id"),
            employeeID: try row.decode(String.self, column: "employee_id"),
            kind: try row.decode(HREvent.Kind.self, column: "type"),
            priority: try row.decode(Int16.self, column: "priority"),
            attempts: try row.decode(Int.self, column: "attempts"),
            token: try row.decode(Int64.self, column: "claim_token"),
            vendors: try row.decode([String]?.self, column: "vendors")
        )
    }
}
