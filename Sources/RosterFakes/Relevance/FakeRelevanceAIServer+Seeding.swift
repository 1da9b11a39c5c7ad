import RosterCore

// MARK: - Seeding and reading state (test hooks)

extension FakeRelevanceAIServer {
    /// The organization's id.
    public var organizationID: String { snapshot.organizationID }

    /// The key's home project.
    public var defaultProjectID: String { snapshot.defaultProjectID }

    /// Projects.
    public var projects: [FakeRelevanceAIState.Project] { snapshot.projects }

    /// The first project named `name`.
    public func project(named name: String) -> FakeRelevanceAIState.Project? {
        snapshot.projects.first { $0.name == name }
    }

    /// Users of the organization.
    public var users: [FakeRelevanceAIState.User] { snapshot.users }

    /// The user whose address is `email` (case-insensitive).
    public func user(email: String) -> FakeRelevanceAIState.User? { snapshot.user(email: email) }

    /// The memberships of a project.
    public func members(of projectID: String) -> [FakeRelevanceAIState.Membership] { snapshot.members(of: projectID) }

    /// The granted actions of `email` in `projectID`, or `nil` when not a member.
    public func actions(of email: String, in projectID: String) -> [String]? {
        let state = snapshot
        guard let user = state.user(email: email),
            let membership = state.membership(projectID: projectID, userID: user.id)
        else { return nil }
        return membership.actions.filter(\.value).map(\.key).sorted()
    }

    /// Every membership, invite and key of `email`, anywhere.
    public func traces(of email: String) -> (memberships: Int, invites: Int, keys: Int) {
        let state = snapshot
        let invites = state.invites.filter { $0.email.lowercased() == email.lowercased() }.count
        guard let user = state.user(email: email) else { return (0, invites, 0) }
        return (
            state.memberships.filter { $0.userID == user.id }.count,
            invites,
            state.apiKeys.filter { $0.userID == user.id }.count
        )
    }

    /// The pending invites of a project.
    public func invites(in projectID: String) -> [FakeRelevanceAIState.Invite] { snapshot.invites(in: projectID) }

    /// Adds a project.
    @discardableResult
    public func addProject(name: String, description: String = "") -> FakeRelevanceAIState.Project {
        withState { $0.insertProject(name: name, description: description) }
    }

    /// Adds an organization user who is in no project yet (or returns the one with that address).
    @discardableResult
    public func addUser(email: String) -> FakeRelevanceAIState.User {
        withState { $0.insertUser(email: email) }
    }

    /// Makes `email` a member of `projectID` with `action` (`role:editor`, `role:viewer`, `admin`).
    @discardableResult
    public func addMember(email: String, projectID: String, action: String = "role:viewer") -> FakeRelevanceAIState.User
    {
        withState { state in
            let user = state.insertUser(email: email)
            state.memberships.removeAll { $0.projectID == projectID && $0.userID == user.id }
            state.memberships.append(.init(projectID: projectID, userID: user.id, actions: [action: true]))
            return user
        }
    }

    /// Adds a pending invite, bypassing the rules.
    @discardableResult
    public func addInvite(
        email: String, projectID: String, action: String = "role:viewer"
    )
        -> FakeRelevanceAIState.Invite
    {
        withState { state in
            let invite = FakeRelevanceAIState.Invite(
                code: state.issueID("inv_"),
                recordID: state.issueID("invrec_"),
                projectID: projectID,
                email: email,
                actions: [action: true]
            )
            state.invites.append(invite)
            return invite
        }
    }

    /// Adds an API key for `userID` in `projectID`.
    @discardableResult
    public func addAPIKey(userID: String, projectID: String, label: String = "key") -> FakeRelevanceAIState.APIKey {
        withState { $0.insertAPIKey(userID: userID, projectID: projectID, label: label) }
    }

    /// Makes `email` (an organisation user, added when missing) an organisation `role`
    /// (`owner`, `admin`, `operator`, `viewer`).
    @discardableResult
    public func setOrganizationRole(_ role: String, email: String) -> FakeRelevanceAIState.User {
        withState { state in
            let user = state.insertUser(email: email)
            state.setOrganizationRole(role, of: user.id)
            return user
        }
    }

    /// The organisation role of `email`, or `nil` when not an organisation user.
    public func organizationRole(of email: String) -> String? {
        let state = snapshot
        return state.user(email: email).map { state.organizationRole(of: $0.id) }
    }

    /// The projects `email` can see: memberships, or every project for an organisation admin.
    public func accessibleProjects(of email: String) -> [String] {
        let state = snapshot
        guard let user = state.user(email: email) else { return [] }
        return state.projects.map(\.id).filter { state.canAccess(projectID: $0, userID: user.id) }
    }

    /// Appends a raw JSON record to a listing (to play a record a client cannot decode).
    public func addRawRecord(_ record: JSONValue, to listing: FakeRelevanceAIState.Listing) {
        withState { $0.addRawRecord(record, to: listing) }
    }

    /// The invitee accepts their invite to `projectID`.
    ///
    /// - Throws: ``FakeRelevanceAIError`` 404 without a pending invite.
    @discardableResult
    public func acceptInvite(email: String, projectID: String) throws -> FakeRelevanceAIState.User {
        try withState { state throws(FakeRelevanceAIError) in try state.acceptInvite(email: email, projectID: projectID)
        }
    }
}
