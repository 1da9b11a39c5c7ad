import RosterCore

// MARK: - Projects

extension FakeOpenAIState {
    /// `POST /organization/projects`. Names need not be unique (OpenAI does not say they are).
    public mutating func createProject(name: String) throws(FakeOpenAIError) -> Project {
        guard !name.allSatisfy(\.isWhitespace) else {
            throw .invalidRequest("Missing required parameter: 'name'.", param: "name")
        }
        let id = insertProject(name: name)
        return project(id: id)!
    }

    /// `POST /organization/projects/{id}/archive`: 400 for the default project or one already archived.
    public mutating func archiveProject(id: String) throws(FakeOpenAIError) -> Project {
        let index = try projectIndex(id)
        guard !projects[index].isDefault else {
            throw .invalidRequest("The default project cannot be archived.")
        }
        guard !projects[index].isArchived else {
            throw .invalidRequest("Project \(id) is archived and cannot be updated.")
        }
        projects[index].archivedAt = now()
        return projects[index]
    }

    /// An active project's index; 404 when unknown, 400 when archived and `active` is required.
    func projectIndex(_ id: String, active: Bool = false) throws(FakeOpenAIError) -> Int {
        guard let index = projects.firstIndex(where: { $0.id == id }) else {
            throw .notFound("No such project: \(id)")
        }
        if active, projects[index].isArchived {
            throw .invalidRequest("Project \(id) is archived and cannot be used or updated.")
        }
        return index
    }
}

// MARK: - Users

extension FakeOpenAIState {
    /// Adds an organization member directly (test seeding); returns the existing member when the
    /// address is already one.
    @discardableResult
    public mutating func addUser(
        email: String?, name: String? = nil, role: String = "reader", isScimManaged: Bool = false
    ) -> User {
        if let email, let existing = user(email: email) { return existing }
        let user = User(
            id: issueID("user-"),
            email: email,
            name: name ?? String((email ?? "user").prefix { $0 != "@" }),
            role: role,
            addedAt: now(),
            isScimManaged: isScimManaged
        )
        users.append(user)
        return user
    }

    /// `POST /organization/users/{id}` with `role` `owner` or `reader`.
    public mutating func updateUserRole(id: String, role: String?) throws(FakeOpenAIError) -> User {
        guard let role, ["owner", "reader"].contains(role) else {
            throw .invalidRequest("Invalid 'role': expected one of 'owner', 'reader'.", param: "role")
        }
        guard let index = users.firstIndex(where: { $0.id == id }) else { throw .notFound("No such user: \(id)") }
        users[index].role = role
        return users[index]
    }

    /// `DELETE /organization/users/{id}`: removes the member and all their project memberships.
    /// Their keys stay, with `owner_project_access` now `inactive`.
    public mutating func deleteUser(id: String) throws(FakeOpenAIError) {
        guard let index = users.firstIndex(where: { $0.id == id }) else { throw .notFound("No such user: \(id)") }
        users.remove(at: index)
        memberships.removeAll { $0.userID == id }
    }
}

// MARK: - Invites

extension FakeOpenAIState {
    /// `POST /organization/invites`.
    ///
    /// - Parameter projects: `nil` when the request omitted `projects` (the invitee then joins
    ///   the default project on acceptance).
    /// - Throws: 400 for a bad address, role or project, an existing member or a pending invite
    ///   (each switchable in ``Options``).
    public mutating func createInvite(
        email: String?, role: String?, projects grants: [ProjectGrant]?
    ) throws(FakeOpenAIError) -> Invite {
        guard let email, EmailAddress.normalized(email) != nil else {
            throw .invalidRequest("Invalid 'email': expected a valid email address.", param: "email")
        }
        guard let role, ["reader", "owner"].contains(role) else {
            throw .invalidRequest("Invalid 'role': expected one of 'reader', 'owner'.", param: "role")
        }
        for grant in grants ?? [] {
            guard ["member", "owner"].contains(grant.role) else {
                throw .invalidRequest(
                    "Invalid project role '\(grant.role)': expected 'member' or 'owner'.", param: "projects")
            }
            _ = try projectIndex(grant.projectID, active: true)
        }
        if options.rejectInviteForExistingMember, user(email: email) != nil {
            throw .invalidRequest("User with email \(email) is already a member of this organization.", param: "email")
        }
        if options.rejectDuplicatePendingInvite, invites(email: email).contains(where: { $0.status == .pending }) {
            throw .invalidRequest("An invite for \(email) is already pending.", param: "email")
        }
        return insertInvite(email: email, role: role, status: .pending, projects: grants)
    }

    /// Adds an invite directly (test seeding), with any status.
    @discardableResult
    public mutating func insertInvite(
        email: String, role: String, status: Invite.Status, projects: [ProjectGrant]?
    ) -> Invite {
        let created = now()
        let invite = Invite(
            id: issueID("invite-"),
            email: email,
            role: role,
            status: status,
            createdAt: created,
            expiresAt: created + 7 * 86_400,
            acceptedAt: status == .accepted ? created : nil,
            projects: projects
        )
        invites.append(invite)
        return invite
    }

    /// `DELETE /organization/invites/{id}`: 404 when unknown (or already deleted), 400 when accepted.
    public mutating func deleteInvite(id: String) throws(FakeOpenAIError) {
        guard let index = invites.firstIndex(where: { $0.id == id }) else { throw .notFound("No such invite: \(id)") }
        guard invites[index].status != .accepted else {
            throw .invalidRequest("Invite \(id) has already been accepted and cannot be deleted.")
        }
        invites.remove(at: index)
    }

    /// The invitee accepts their pending invite: they become a member with the invite's role and
    /// join its projects — or, when the invite omitted `projects`, the default project as a member.
    ///
    /// - Throws: 404 when `email` has no pending invite.
    @discardableResult
    public mutating func acceptInvite(email: String) throws(FakeOpenAIError) -> User {
        guard
            let index = invites.firstIndex(where: {
                $0.status == .pending && $0.email.lowercased() == email.lowercased()
            })
        else { throw .notFound("No pending invite for \(email)") }
        invites[index].status = .accepted
        invites[index].acceptedAt = now()
        let invite = invites[index]
        let member = addUser(email: invite.email, role: invite.role)
        let grants = invite.projects ?? [ProjectGrant(projectID: defaultProjectID, role: "member")]
        for grant in grants where membership(projectID: grant.projectID, userID: member.id) == nil {
            guard let project = project(id: grant.projectID), !project.isArchived else { continue }
            memberships.append(
                Membership(projectID: grant.projectID, userID: member.id, role: grant.role, addedAt: now()))
        }
        return member
    }

    /// Marks the pending invites for `email` expired.
    public mutating func expireInvites(email: String) {
        for index in invites.indices
        where invites[index].status == .pending && invites[index].email.lowercased() == email.lowercased() {
            invites[index].status = .expired
        }
    }
}

// MARK: - Project users

extension FakeOpenAIState {
    /// `POST /organization/projects/{id}/users` with `user_id` or `email`, and `role`.
    ///
    /// - Throws: 404 for an unknown project, 400 when archived, when the user is not an
    ///   organization member, is already in the project, or the role is not `owner`/`member`.
    public mutating func addProjectUser(
        projectID: String, userID: String?, email: String?, role: String?
    ) throws(FakeOpenAIError) -> Membership {
        _ = try projectIndex(projectID, active: true)
        guard let role, ["owner", "member"].contains(role) else {
            throw .invalidRequest("Invalid 'role': expected one of 'owner', 'member'.", param: "role")
        }
        let member: User?
        if let userID {
            member = user(id: userID)
        } else if let email {
            member = user(email: email)
        } else {
            throw .invalidRequest("Missing required parameter: 'user_id'.", param: "user_id")
        }
        guard let member else {
            throw .invalidRequest(
                "User must be a member of the organization before being added to a project.", param: "user_id")
        }
        guard membership(projectID: projectID, userID: member.id) == nil else {
            throw .invalidRequest("User \(member.id) is already a member of project \(projectID).", param: "user_id")
        }
        let added = Membership(projectID: projectID, userID: member.id, role: role, addedAt: now())
        memberships.append(added)
        return added
    }

    /// `POST /organization/projects/{id}/users/{user_id}`.
    public mutating func updateProjectUser(
        projectID: String, userID: String, role: String?
    ) throws(FakeOpenAIError) -> Membership {
        _ = try projectIndex(projectID, active: true)
        guard let role, ["owner", "member"].contains(role) else {
            throw .invalidRequest("Invalid 'role': expected one of 'owner', 'member'.", param: "role")
        }
        guard let index = memberships.firstIndex(where: { $0.projectID == projectID && $0.userID == userID }) else {
            throw .notFound("User \(userID) is not a member of project \(projectID).")
        }
        memberships[index].role = role
        return memberships[index]
    }

    /// `DELETE /organization/projects/{id}/users/{user_id}`: 404 when not a member, 400 when archived.
    public mutating func deleteProjectUser(projectID: String, userID: String) throws(FakeOpenAIError) {
        _ = try projectIndex(projectID, active: true)
        guard let index = memberships.firstIndex(where: { $0.projectID == projectID && $0.userID == userID }) else {
            throw .notFound("User \(userID) is not a member of project \(projectID).")
        }
        memberships.remove(at: index)
    }
}

// MARK: - API keys

extension FakeOpenAIState {
    /// Adds a key directly (test seeding). For a user owner the user must exist.
    ///
    /// - Parameter ownerUserID: The owning user, or `nil` for a new service account.
    public mutating func insertAPIKey(
        projectID: String, name: String, ownerUserID: String?
    ) throws(FakeOpenAIError) -> APIKey {
        _ = try projectIndex(projectID)
        let owner: APIKey.Owner
        if let ownerUserID {
            guard let member = user(id: ownerUserID) else { throw .notFound("No such user: \(ownerUserID)") }
            owner = .user(id: member.id, email: member.email, name: member.name)
        } else {
            owner = .serviceAccount(id: issueID("svc_acct_"), name: "\(name) service account", role: "member")
        }
        let id = issueID("key_")
        let key = APIKey(
            id: id,
            projectID: projectID,
            name: name,
            redactedValue: "sk-proj-****\(id.suffix(4))",
            createdAt: now(),
            lastUsedAt: nil,
            owner: owner
        )
        apiKeys.append(key)
        return key
    }

    /// `DELETE /organization/projects/{id}/api_keys/{key_id}`: 404 when unknown (or already
    /// deleted), 400 for a service account's key or an archived project.
    public mutating func deleteAPIKey(projectID: String, keyID: String) throws(FakeOpenAIError) {
        _ = try projectIndex(projectID, active: true)
        guard let index = apiKeys.firstIndex(where: { $0.projectID == projectID && $0.id == keyID }) else {
            throw .notFound("No such API key: \(keyID)")
        }
        if case .serviceAccount = apiKeys[index].owner {
            throw .invalidRequest(
                "API keys owned by a service account cannot be deleted through this endpoint; delete the service account instead."
            )
        }
        apiKeys.remove(at: index)
    }
}
