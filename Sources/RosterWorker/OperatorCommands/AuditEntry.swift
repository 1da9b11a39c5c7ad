import Foundation
import RosterCore

/// One row of the append-only audit log: a vendor mutation Roster made (actor `worker:<id>`) or an
/// operator action (actor `operator:<name>`). Targets hold vendor ids only, never emails or names.
public struct AuditEntry: Sendable, Hashable {
    public var id: Int64
    public var at: Timestamp
    public var actor: String
    public var action: String
    public var vendor: String?
    public var jobID: Int64?
    public var employeeID: String?
    public var target: JSONValue
    public var outcome: String
    public var reason: String?

    /// Whether an operator (not a worker) did it.
    public var isOperatorAction: Bool { actor.hasPrefix("operator:") }

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
