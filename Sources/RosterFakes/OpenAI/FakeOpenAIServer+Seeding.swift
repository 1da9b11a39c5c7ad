import RosterCore

// MARK: - Seeding and reading state (test hooks)

extension FakeOpenAIServer {
    /// The default project's id (invites without `projects` join it on acceptance).
    public var defaultProjectID: String { snapshot.defaultProjectID }

    /// Organization members.
    public var users: [FakeOpenAIState.User] { snapshot.users }

    /// Projects, archived ones included.
    public var projects: [FakeOpenAIState.Project] { snapshot.projects }

    /// Invites, whatever their status.
    public var invites: [FakeOpenAIState.Invite] { snapshot.invites }

    /// The members of a project.
    public func members(of projectID: String) -> [FakeOpenAIState.Membership] {
        snapshot.members(of: projectID)
    }

    /// The API keys of a project.
    public func apiKeys(in projectID: String) -> [FakeOpenAIState.APIKey] {
        snapshot.apiKeys(in: projectID)
    }

    /// Adds an organization member (or returns the existing one with that address).
    ///
    /// - Parameters:
    ///   - email: The address.
    ///   - name: The display name (defaults to the local part).
    ///   - role: `reader` (default) or `owner`.
    ///   - isScimManaged: Whether an identity provider manages the user (`is_scim_managed`).
    @discardableResult
    public func addUser(
        email: String?, name: String? = nil, role: String = "reader", isScimManaged: Bool = false
    ) -> FakeOpenAIState.User {
        withState { $0.addUser(email: email, name: name, role: role, isScimManaged: isScimManaged) }
    }

    /// Adds a project, optionally archived.
    @discardableResult
    public func addProject(name: String, archived: Bool = false) -> FakeOpenAIState.Project {
        withState { state in
            let id = state.insertProject(name: name)
            if archived, let index = state.projects.firstIndex(where: { $0.id == id }) {
                state.projects[index].archivedAt = state.now()
            }
            return state.project(id: id)!
        }
    }

    /// Adds `userID` to `projectID` with `role` (`member` or `owner`), with the API's rules.
    ///
    /// - Throws: ``FakeOpenAIError`` as the API would (unknown project, archived, not a member, …).
    @discardableResult
    public func addProjectMember(
        projectID: String, userID: String, role: String = "member"
    ) throws -> FakeOpenAIState.Membership {
        try withState { state throws(FakeOpenAIError) in
            try state.addProjectUser(projectID: projectID, userID: userID, email: nil, role: role)
        }
    }

    /// Adds an API key to a project, owned by `ownerUserID` or, when `nil`, by a new service account.
    ///
    /// - Throws: ``FakeOpenAIError`` for an unknown project or user.
    @discardableResult
    public func addAPIKey(
        projectID: String, name: String = "key", ownerUserID: String?
    ) throws -> FakeOpenAIState.APIKey {
        try withState { state throws(FakeOpenAIError) in
            try state.insertAPIKey(projectID: projectID, name: name, ownerUserID: ownerUserID)
        }
    }

    /// Adds an invite in any status, bypassing the duplicate checks.
    ///
    /// - Parameter projects: `nil` models an invite created without `projects` (default project).
    @discardableResult
    public func addInvite(
        email: String,
        role: String = "reader",
        status: FakeOpenAIState.Invite.Status = .pending,
        projects: [FakeOpenAIState.ProjectGrant]? = []
    ) -> FakeOpenAIState.Invite {
        withState { $0.insertInvite(email: email, role: role, status: status, projects: projects) }
    }

    /// The invitee accepts their pending invite and becomes a member (see
    /// ``FakeOpenAIState/acceptInvite(email:)``).
    ///
    /// - Throws: ``FakeOpenAIError`` 404 when there is no pending invite for `email`.
    @discardableResult
    public func acceptInvite(email: String) throws -> FakeOpenAIState.User {
        try withState { state throws(FakeOpenAIError) in try state.acceptInvite(email: email) }
    }

    /// Appends a raw JSON record to the listing at `path` as sent (`/v1/organization/users`,
    /// `/v1/organization/projects/{id}/api_keys`, …), on its first page, to play a record a client
    /// cannot decode.
    public func addRawRecord(_ record: JSONValue, toListing path: String) {
        withState { $0.addRawRecord(record, toListing: path) }
    }

    /// Marks the pending invites for `email` expired.
    public func expireInvites(email: String) {
        withState { $0.expireInvites(email: email) }
    }
}
