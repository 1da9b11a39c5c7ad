import RosterCore

/// The name of one thing a step remembers in its ``StepState`` (an id it learned, a list of what
/// it already did): one spelling, checked by the compiler, instead of string literals repeated
/// across a connector's files.
///
/// Keys every connector may use are here; a connector's own keys are declared next to it
/// (`extension StepStateKey { static let … }` in its folder). The raw values are what is stored in
/// `job_steps.state`, so they never change once a release has written them.
public struct StepStateKey: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// A key made of this one and a suffix (`project_id:proj_1`): one entry per project.
    public func per(_ suffix: String) -> StepStateKey {
        StepStateKey(rawValue: "\(rawValue):\(suffix)")
    }

    public var description: String { rawValue }

    // MARK: Values

    /// The vendor id of the step's project.
    public static let projectID = StepStateKey(rawValue: "project_id")
    /// The vendor id of the person's user.
    public static let userID = StepStateKey(rawValue: "user_id")
    /// The vendor id of the invitation the step created or found.
    public static let inviteID = StepStateKey(rawValue: "invite_id")

    // MARK: Lists

    /// Invitations the step deleted (or found gone).
    public static let deletedInvites = StepStateKey(rawValue: "deleted_invites")
    /// API keys the step deleted (or found gone).
    public static let deletedKeys = StepStateKey(rawValue: "deleted_keys")
    /// Projects the step removed the person from.
    public static let removedProjects = StepStateKey(rawValue: "removed_projects")
    /// Projects the step created.
    public static let createdProjects = StepStateKey(rawValue: "created_projects")
    /// Projects the step removed the person from (Relevance AI, Confident AI).
    public static let removedFrom = StepStateKey(rawValue: "removed_from")
}

extension StepState {
    /// The value remembered under `key`.
    public subscript(key: StepStateKey) -> String? {
        get { values[key.rawValue] }
        set { values[key.rawValue] = newValue }
    }

    /// The list remembered under `key` (empty when none).
    public subscript(list key: StepStateKey) -> [String] {
        get { lists[key.rawValue] ?? [] }
        set { lists[key.rawValue] = newValue.isEmpty ? nil : newValue }
    }

    /// Whether the list under `key` holds `item`.
    public func contains(_ item: String, in key: StepStateKey) -> Bool {
        contains(item, in: key.rawValue)
    }

    /// Appends `item` to the list under `key` unless it is there already.
    public mutating func append(_ item: String, to key: StepStateKey) {
        append(item, to: key.rawValue)
    }
}
