/// One unit of a job's plan against one vendor instance. Each action is idempotent by design:
/// connectors look before they act, so running a step twice has the effect of running it once.
public struct VendorStep: Sendable, Hashable, Codable {
    /// What a step does at its vendor. The raw values are the step names of job JSON and the CLI.
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        /// Find the project by name, create it if missing. Learns `project_id`.
        case ensureProject = "ensure_project"
        /// Make sure the employee is a member of the project with the role, or has a pending
        /// invite with it; change the role where it differs.
        case ensureAccess = "ensure_access"
        /// Changed events: desired grants (`grants`) minus actual access in this vendor, applied as
        /// invites, role changes and removals from projects no longer granted.
        case reconcile
        /// Offboarding: delete the employee's pending invites.
        case revokeInvites = "revoke_invites"
        /// Offboarding: delete API keys the employee owns, in every project (before memberships go).
        case revokeAPIKeys = "revoke_api_keys"
        /// Offboarding: remove the employee from every project.
        case removeProjectMemberships = "remove_project_memberships"
        /// Offboarding: remove the employee from the organisation.
        case removeOrganizationMembership = "remove_organization_membership"

        /// Whether the action takes access away: the four offboarding actions.
        public var isRevocation: Bool {
            switch self {
            case .revokeInvites, .revokeAPIKeys, .removeProjectMemberships, .removeOrganizationMembership: true
            case .ensureProject, .ensureAccess, .reconcile: false
            }
        }
    }

    /// The configured vendor instance name (a key of `vendors:`).
    public var vendor: String
    /// What the step does there.
    public var action: Action
    /// The project's name, for `ensure_project` and `ensure_access`; `nil` for the other actions.
    public var project: String?
    /// The role in the vendor's own vocabulary (already mapped from Roster role names).
    public var role: String?
    /// For `reconcile`: every grant the employee should have in this vendor (roles mapped).
    public var grants: [AccessGrant]?
    /// Offboarding: which of the employee's *other* recorded addresses this step acts for (the
    /// index into them, oldest first), when not the event's own. An index, never the address:
    /// plans are shown to operators and hold no personal data.
    public var address: Int?

    /// A step of `action` at `vendor`; fill in only the fields the action uses.
    public init(
        vendor: String, action: Action, project: String? = nil, role: String? = nil, grants: [AccessGrant]? = nil,
        address: Int? = nil
    ) {
        self.vendor = vendor
        self.action = action
        self.project = project
        self.role = role
        self.grants = grants
        self.address = address
    }

    /// The step's name in job JSON and the CLI, e.g. `ensure_access`.
    public var name: String { action.rawValue }
}

/// What a step has learned and done so far, persisted at every checkpoint so that a resumed step
/// continues where it stopped: vendor ids (`project_id`, `user_id`, `invite_id`) and lists of
/// completed items (`deleted_keys`). Never personal data.
public struct StepState: Sendable, Hashable, Codable {
    /// Single learned values by key (`project_id`, `user_id`, `invite_id`).
    public var values: [String: String]
    /// Completed items by list name (`deleted_keys`), in the order they were done, each once.
    public var lists: [String: [String]]

    /// A state with these values and lists; empty for a step that has not started.
    public init(values: [String: String] = [:], lists: [String: [String]] = [:]) {
        self.values = values
        self.lists = lists
    }

    enum CodingKeys: String, CodingKey { case values, lists }

    /// Lenient: a step that has learned nothing yet is stored as `{}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        values = try c.decodeIfPresent([String: String].self, forKey: .values) ?? [:]
        lists = try c.decodeIfPresent([String: [String]].self, forKey: .lists) ?? [:]
    }

    /// The learned value for `key`; setting `nil` forgets it.
    public subscript(key: String) -> String? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// Whether `item` is already in the list named `list`.
    public func contains(_ item: String, in list: String) -> Bool {
        lists[list]?.contains(item) ?? false
    }

    /// Adds `item` to the end of the list named `list`, unless it is already there.
    public mutating func append(_ item: String, to list: String) {
        if !contains(item, in: list) { lists[list, default: []].append(item) }
    }
}
