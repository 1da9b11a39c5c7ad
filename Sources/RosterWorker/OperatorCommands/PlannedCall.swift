import Foundation
import RosterCore

/// A step a replay would run, described as the vendor calls it makes, for `--dry-run`. The
/// employee is "the employee": descriptions never carry an email or a name.
public struct PlannedCall: Sendable, Hashable {
    /// The step's position in the plan (persisted, or fresh when re-planned), if known.
    public var position: Int?
    /// The planned step: vendor instance, action, project and role (no personal data).
    public var step: VendorStep
    /// Vendor ids the step already knows (it resumes from them instead of looking again).
    public var known: [String: String]

    /// Creates a planned call; `known` holds the vendor ids the step has already learned.
    public init(position: Int?, step: VendorStep, known: [String: String] = [:]) {
        self.position = position
        self.step = step
        self.known = known
    }

    /// The vendor calls in words, naming the employee only as "the employee".
    public var description: String {
        let project = step.project.map { "\"\($0)\"" } ?? "the project"
        var text: String
        switch step.action {
        case .ensureProject: text = "look up project \(project); create it if missing"
        case .ensureAccess:
            text =
                "look up the employee's membership or invite in \(project); invite or set the role to \(step.role ?? "-")"
        case .reconcile:
            let grants = (step.grants ?? []).map { "\($0.project) as \($0.role)" }
            text =
                "compare the employee's access with [\(grants.joined(separator: ", "))]; invite, change roles, remove from projects not granted"
        case .revokeInvites: text = "delete the employee's pending invites"
        case .revokeAPIKeys: text = "delete API keys the employee owns, in every project"
        case .removeProjectMemberships: text = "remove the employee from every project"
        case .removeOrganizationMembership: text = "remove the employee from the organisation"
        }
        if let address = step.address { text += " (for the employee's earlier recorded address #\(address + 1))" }
        if !known.isEmpty {
            text +=
                " (known: " + known.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
                + ")"
        }
        return "\(step.vendor) \(step.name): \(text)"
    }

    /// One entry of `planned_calls` in `--output json`.
    public var json: JSONValue {
        .object([
            "position": .int(position),
            "vendor": .string(step.vendor),
            "step": .string(step.name),
            "project": .text(step.project),
            "role": .text(step.role),
            "known_ids": .texts(known),
            "description": .string(description),
        ])
    }
}
