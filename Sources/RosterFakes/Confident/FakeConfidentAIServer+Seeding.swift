import RosterCore

// MARK: - Seeding and reading state (test hooks)

extension FakeConfidentAIServer {
    /// Organization members; the first is the Owner.
    public var members: [FakeConfidentAIState.Member] { snapshot.members }

    /// The organization Owner.
    public var owner: FakeConfidentAIState.Member { snapshot.members[0] }

    /// Projects.
    public var projects: [FakeConfidentAIState.Project] { snapshot.projects }

    /// The project named `name`.
    public func project(named name: String) -> FakeConfidentAIState.Project? {
        snapshot.projects.first { $0.name == name }
    }

    /// The members of a project.
    public func members(of projectID: String) -> [FakeConfidentAIState.ProjectMember] {
        snapshot.members(of: projectID)
    }

    /// The organization invitations (`projectID == nil`) or one project's, any status.
    public func invitations(projectID: String?) -> [FakeConfidentAIState.Invitation] {
        snapshot.invitations(projectID: projectID)
    }

    /// Pending invitations of both kinds for `email`.
    public func pendingInvitations(email: String) -> [FakeConfidentAIState.Invitation] {
        snapshot.pendingInvitations(email: email)
    }

    /// The name of `userID`'s role in `projectID`, or `nil` when not a member.
    public func projectRoleName(of userID: String, in projectID: String) -> String? {
        let state = snapshot
        return state.membership(projectID: projectID, userID: userID).flatMap {
            state.projectRole(id: $0.roleID, in: projectID)?.name
        }
    }

    /// The id of the organization role called `name`.
    public func organizationRoleID(named name: String) -> String? { snapshot.organizationRole(named: name)?.id }

    /// The id of the role of `projectID` called `name`.
    public func projectRoleID(named name: String, in projectID: String) -> String? {
        snapshot.projectRole(named: name, in: projectID)?.id
    }

    /// Adds an organization member (or returns the one with that address).
    ///
    /// - Parameter role: An organization role name (default `Member`).
    @discardableResult
    public func addMember(email: String, name: String? = nil, role: String = "Member") -> FakeConfidentAIState.Member {
        withState { state in
            if let existing = state.member(email: email) { return existing }
            let roleID = state.organizationRole(named: role)!.id
            return state.insertMember(email: email, name: name ?? String(email.prefix { $0 != "@" }), roleID: roleID)
        }
    }

    /// Adds a project.
    ///
    /// - Throws: ``FakeConfidentAIError`` 409 when the name is taken.
    @discardableResult
    public func addProject(name: String) throws -> FakeConfidentAIState.Project {
        try withState { state throws(FakeConfidentAIError) in
            try state.createProject(name: name, description: nil, ownerEmail: nil)
        }
    }

    /// Adds `userID` to `projectID` with the project role called `role` (default `Member`).
    public func addProjectMember(projectID: String, userID: String, role: String = "Member") {
        withState { state in
            let roleID = state.projectRole(named: role, in: projectID)!.id
            state.projectMembers.append(.init(projectID: projectID, userID: userID, roleID: roleID))
        }
    }

    /// Adds an invitation in any status, bypassing the rules.
    ///
    /// - Parameters:
    ///   - projectID: The project, or `nil` for an organization invitation.
    ///   - role: A role name of that kind, or `nil` for none.
    @discardableResult
    public func addInvitation(
        email: String,
        projectID: String? = nil,
        role: String? = nil,
        status: FakeConfidentAIState.Invitation.Status = .pending
    ) -> FakeConfidentAIState.Invitation {
        withState { state in
            let roleID = role.flatMap { name in
                projectID.map { state.projectRole(named: name, in: $0)?.id } ?? state.organizationRole(named: name)?.id
            }
            return state.insertInvitation(email: email, roleID: roleID, projectID: projectID, status: status)
        }
    }

    /// The invitee accepts their pending invitation (see ``FakeConfidentAIState/acceptInvitation(email:projectID:)``).
    ///
    /// - Throws: ``FakeConfidentAIError`` when there is none, or a project invitee is not an
    ///   organization member.
    @discardableResult
    public func acceptInvitation(email: String, projectID: String? = nil) throws -> FakeConfidentAIState.Member {
        try withState { state throws(FakeConfidentAIError) in
            try state.acceptInvitation(email: email, projectID: projectID)
        }
    }

    /// Every pending invitation of that kind is accepted (organization ones first when both are asked).
    public func acceptAllInvitations(projectID: String? = nil) throws {
        for invitation in snapshot.invitations(projectID: projectID) where invitation.isPending {
            try acceptInvitation(email: invitation.email, projectID: projectID)
        }
    }

    /// The invitee declines their pending invitation.
    public func declineInvitation(email: String, projectID: String? = nil) {
        withState { $0.declineInvitation(email: email, projectID: projectID) }
    }

    /// Appends a raw JSON record to the listing at `path` as sent (`/v1/organization/members`,
    /// `/v1/projects/{id}/invitations`, …), to play a record a client cannot decode.
    public func addRawRecord(_ record: JSONValue, toListing path: String) {
        withState { $0.addRawRecord(record, toListing: path) }
    }
}
