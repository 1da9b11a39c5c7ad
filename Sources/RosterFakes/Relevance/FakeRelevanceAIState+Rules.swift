import RosterCore

// MARK: - Projects

extension FakeRelevanceAIState {
    /// `POST /projects/create`: 403 for another organization, 400 without a name, 409 for a
    /// taken name only when ``Options/uniqueProjectNames``.
    public mutating func createProject(
        organizationID: String?, name: String?, description: String?
    )
        throws(FakeRelevanceAIError) -> Project
    {
        guard let organizationID else { throw .invalid("organization_id is required") }
        guard organizationID == self.organizationID else {
            throw .forbidden("You do not have access to this organization")
        }
        guard let name, !name.isEmpty else { throw .invalid("name is required") }
        if options.uniqueProjectNames, projects.contains(where: { $0.name == name }) {
            throw FakeRelevanceAIError(
                status: 409,
                message: "A project with this name already exists",
                errorType: "conflict"
            )
        }
        return insertProject(name: name, description: description ?? "")
    }
}

// MARK: - Invites

extension FakeRelevanceAIState {
    /// `POST /auth/invite/create` in `projectID`. An address that already belongs to an
    /// organization user is added to the project at once (auto-accepted, no pending invite).
    ///
    /// - Returns: The invite code and the `email_status`.
    /// - Throws: 400 without an address, for bad permissions, for someone already in the
    ///   project, or for a duplicate invite (``Options/duplicateInvite``).
    public mutating func createInvite(
        projectID: String,
        email: String?,
        userID: String?,
        actions: [String: Bool]?
    ) throws(FakeRelevanceAIError) -> (code: String, emailStatus: String) {
        let actions = try Self.validated(actions)
        var address = email
        if address == nil, let userID {
            guard let known = user(id: userID) else { throw .notFound("User not found") }
            address = known.email
        }
        guard let address, address.contains("@") else { throw .invalid("email or user_id is required") }
        let code = issueID("inv_")
        if let known = user(email: address) {
            guard membership(projectID: projectID, userID: known.id) == nil else {
                throw FakeRelevanceAIError(
                    status: 400,
                    message: "User is already a member of this project",
                    errorType: "already_member"
                )
            }
            memberships.append(Membership(projectID: projectID, userID: known.id, actions: actions))
            return (code, "auto_accepted")
        }
        let duplicates = invites.filter { $0.projectID == projectID && $0.email.lowercased() == address.lowercased() }
        if !duplicates.isEmpty {
            switch options.duplicateInvite {
            case .reject:
                throw FakeRelevanceAIError(
                    status: 400,
                    message: "An invite for this email already exists",
                    errorType: "invite_exists"
                )
            case .replace:
                invites.removeAll { duplicates.contains($0) }
            case .keep:
                break
            }
        }
        invites.append(
            Invite(code: code, recordID: issueID("invrec_"), projectID: projectID, email: address, actions: actions)
        )
        return (code, "sent")
    }

    /// `POST /auth/invite/delete` in `projectID`.
    ///
    /// - Throws: 400 without a code; 404 for an unknown code when ``Options/missingDeleteIsNotFound``.
    public mutating func deleteInvite(projectID: String, code: String?) throws(FakeRelevanceAIError) {
        guard let code, !code.isEmpty else { throw .invalid("invite_code is required") }
        guard invites.contains(where: { $0.projectID == projectID && $0.code == code }) else {
            if options.missingDeleteIsNotFound { throw .notFound("Invite not found") }
            return
        }
        invites.removeAll { $0.projectID == projectID && $0.code == code }
    }

    /// The invitee accepts their invite to `projectID`: they become an organization user (if
    /// they were not) and a member with the invite's permissions.
    ///
    /// - Throws: 404 without a pending invite.
    @discardableResult
    public mutating func acceptInvite(email: String, projectID: String) throws(FakeRelevanceAIError) -> User {
        guard
            let invite = invites.first(where: {
                $0.projectID == projectID && $0.email.lowercased() == email.lowercased()
            })
        else { throw .notFound("Invite not found") }
        let user = insertUser(email: invite.email)
        if membership(projectID: projectID, userID: user.id) == nil {
            memberships.append(Membership(projectID: projectID, userID: user.id, actions: invite.actions))
        }
        invites.removeAll { $0.projectID == projectID && $0.email.lowercased() == email.lowercased() }
        return user
    }

    /// The granted actions, or 400 when there are none or one is unknown.
    static func validated(_ actions: [String: Bool]?) throws(FakeRelevanceAIError) -> [String: Bool] {
        let known: Set<String> = ["admin", "role:editor", "role:viewer", "role:operator", "role:chat"]
        guard let actions, actions.values.contains(true) else {
            throw .invalid("permissions.items.relevanceDefault.actions must grant at least one action")
        }
        if let unknown = actions.keys.sorted().first(where: { !known.contains($0) }) {
            throw .invalid("Unknown permission action '\(unknown)'")
        }
        return actions
    }
}

// MARK: - Users and keys

extension FakeRelevanceAIState {
    /// `POST /auth/users/{id}/update` in `projectID`: replaces (`overwrite`) or merges the actions.
    ///
    /// - Throws: 404 when the user is not in the project; 400 for bad permissions.
    public mutating func updateUser(
        projectID: String, userID: String, actions: [String: Bool]?, overwrite: Bool
    )
        throws(FakeRelevanceAIError)
    {
        if membership(projectID: projectID, userID: userID) == nil, isOrganizationAdmin(userID) {
            // An organisation admin sees the project already; an update gives them explicit rights.
            memberships.append(Membership(projectID: projectID, userID: userID, actions: [:]))
        }
        guard let index = memberships.firstIndex(where: { $0.projectID == projectID && $0.userID == userID }) else {
            throw .notFound("User not found in this project")
        }
        let actions = try Self.validated(actions)
        if overwrite {
            memberships[index].actions = actions
        } else {
            memberships[index].actions.merge(actions) { _, new in new }
        }
    }

    /// `POST /auth/users/{id}/delete` in `projectID`: the user leaves that project only (and
    /// stays an organization user).
    ///
    /// - Throws: 404 when not in the project (when ``Options/missingDeleteIsNotFound``).
    public mutating func removeUser(projectID: String, userID: String) throws(FakeRelevanceAIError) {
        if isOrganizationAdmin(userID), options.organizationAdminRemoval == .refused {
            throw FakeRelevanceAIError(
                status: 400,
                message: "Organization admins cannot be removed from a project: "
                    + "change their organization role to member first",
                errorType: "organization_admin"
            )
        }
        guard membership(projectID: projectID, userID: userID) != nil else {
            if options.missingDeleteIsNotFound { throw .notFound("User not found in this project") }
            return
        }
        memberships.removeAll { $0.projectID == projectID && $0.userID == userID }
    }

    /// `POST /auth/users/{id}/keys/delete` in `projectID`.
    ///
    /// - Throws: 400 without an id; 404 for an unknown key (when ``Options/missingDeleteIsNotFound``).
    public mutating func deleteAPIKey(projectID: String, userID: String, keyID: String?) throws(FakeRelevanceAIError) {
        guard let keyID, !keyID.isEmpty else { throw .invalid("id is required") }
        guard apiKeys.contains(where: { $0.id == keyID && $0.userID == userID && $0.projectID == projectID }) else {
            if options.missingDeleteIsNotFound { throw .notFound("API key not found") }
            return
        }
        apiKeys.removeAll { $0.id == keyID }
    }

    /// Adds a key for `userID` in `projectID` (seeding).
    @discardableResult
    public mutating func insertAPIKey(userID: String, projectID: String, label: String) -> APIKey {
        let key = APIKey(id: issueID("key_"), projectID: projectID, userID: userID, label: label)
        apiKeys.append(key)
        return key
    }
}

// MARK: - Organisation roles

extension FakeRelevanceAIState {
    /// `POST /auth/organization/{org}/user/{user_id}/update` with `{admin, role?}`: `admin` is
    /// required; `role` is one of `admin`, `operator`, `viewer` (the vendor OpenAPI's
    /// `UpdateOrganizationUserPermissionsInput`). `admin: true` makes an admin; `admin: false`
    /// gives `role` (`operator`, the interface's "Member", when absent).
    ///
    /// - Throws: 403 for another organisation, 404 for an unknown user, 400 for a missing
    ///   `admin`, an unknown role, `admin: false` with `role: admin`, or an owner (owners are
    ///   changed by transferring ownership, which this endpoint does not do [U]).
    public mutating func updateOrganizationUser(
        organizationID: String, userID: String, admin: Bool?, role: String?
    )
        throws(FakeRelevanceAIError)
    {
        guard organizationID == self.organizationID else {
            throw .forbidden("You do not have access to this organization")
        }
        guard user(id: userID) != nil else { throw .notFound("User not found") }
        guard let admin else { throw .invalid("admin is required") }
        if let role, !["admin", "operator", "viewer"].contains(role) {
            throw .invalid("role must be one of admin, operator, viewer")
        }
        guard organizationRole(of: userID) != "owner" else {
            throw .invalid("The organization owner's role cannot be changed")
        }
        if admin {
            organizationRoles[userID] = "admin"
        } else {
            guard role != "admin" else { throw .invalid("role admin needs admin: true") }
            organizationRoles[userID] = role ?? "operator"
        }
    }

    /// Sets `userID`'s organisation role (seeding).
    public mutating func setOrganizationRole(_ role: String, of userID: String) {
        organizationRoles[userID] = role
    }

    /// Appends a raw record to `listing` (seeding records a client cannot decode).
    public mutating func addRawRecord(_ record: JSONValue, to listing: Listing) {
        rawRecords[listing, default: []].append(record)
    }
}
