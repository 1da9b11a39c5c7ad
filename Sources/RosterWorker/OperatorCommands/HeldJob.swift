import RosterCore

/// An offboarding the mass-offboarding brake holds, as `roster holds list` shows it: ids, the
/// HR event's time, why and since when. No personal data: the HR employee id only.
public struct HeldJob: Sendable, Hashable {
    /// The job id, as `roster holds release|cancel` take it.
    public var id: Int64
    /// The id of the offboarding's HR event.
    public var eventID: String
    /// The HR employee id of the leaver (an id only, never a name or email).
    public var employeeID: String
    /// The HR event's `time`.
    public var eventTime: Timestamp
    /// The brake's sentence (`jobs.hold_reason`).
    public var reason: String
    /// When the job was recorded, held (jobs are only ever created held).
    public var heldSince: Timestamp

    /// Creates a held job as ``JobHolds/list(limit:)`` reads it.
    public init(
        id: Int64, eventID: String, employeeID: String, eventTime: Timestamp, reason: String, heldSince: Timestamp
    ) {
        self.id = id
        self.eventID = eventID
        self.employeeID = employeeID
        self.eventTime = eventTime
        self.reason = reason
        self.heldSince = heldSince
    }

    /// The contract of `roster holds list --output json` (README, "Operating Roster").
    public var json: JSONValue {
        .object([
            "id": .int(id),
            "event_id": .string(eventID),
            "employee_id": .string(employeeID),
            "event_time": .time(eventTime),
            "reason": .string(reason),
            "held_since": .time(heldSince),
        ])
    }
}
