import Foundation
import RosterCore

/// One row of the append-only audit log: a vendor mutation Roster made (actor `worker:<id>`) or an
/// operator action (actor `operator:<name>`). Targets hold vendor ids only, never emails or names.
public struct AuditEntry: Sendable, Hashable {
    /// The row's id in `audit_log`; orders rows recorded at the same time.
    public var id: Int64
    /// When the row was written (the database's `now()` in the writing transaction).
    public var at: Timestamp
    /// Who did it: `worker:<id>` for a vendor mutation, `operator:<name>` for an operator action.
    public var actor: String
    /// What was done: an ``AuditAction`` raw value (`delete_invite`; older rows keep older names),
    /// or an operator action: `replay`, `cancel`, `dlq_replay`, `holds_release`, `holds_cancel`.
    public var action: String
    /// The vendor instance a mutation was made at; `nil` for operator actions.
    public var vendor: String?
    /// The job the row is about; `nil` for a dead-letter replay that created no job.
    public var jobID: Int64?
    /// The HR employee id concerned, when known (an id, never an email or name).
    public var employeeID: String?
    /// What was acted on: vendor ids (project, user, invite, key) for a mutation, the state before
    /// (`previous_status`, …) for an operator action. Never emails or names.
    public var target: JSONValue
    /// How it ended: `done`, `already_gone` or `still_listed` for a mutation; for an operator
    /// action, its result (`queued`, `cancelled`, `job_created`, `refused: …`).
    public var outcome: String
    /// Why, in the operator's words; `nil` for vendor mutations. Free text as typed: it may quote
    /// personal data, so scrub it before display.
    public var reason: String?

    /// Whether an operator (not a worker) did it.
    public var isOperatorAction: Bool { actor.hasPrefix("operator:") }

    /// The `AUDIT` object of `--output json` (README, "Operating Roster"); `kind` says `operator`
    /// or `vendor_mutation`.
    public var json: JSONValue {
        .object([
            "id": .int(id),
            "at": .time(at),
            "actor": .string(actor),
            "kind": .string(isOperatorAction ? "operator" : "vendor_mutation"),
            "action": .string(action),
            "vendor": .text(vendor),
            "job_id": .int(jobID),
            "employee_id": .text(employeeID),
            "target": target,
            "outcome": .string(outcome),
            "reason": .text(reason),
        ])
    }

    /// `key=value` pairs of the target, for tables.
    public var targetSummary: String {
        guard case .object(let members) = target else { return "" }
        return members.keys.sorted().map { key in
            let value = members[key]!
            let text: String
            switch value {
            case .string(let s): text = s
            case .null: text = "-"
            default: text = value.serialized
            }
            return "\(key)=\(text)"
        }.joined(separator: " ")
    }
}
