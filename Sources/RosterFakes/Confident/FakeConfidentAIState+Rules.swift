import Foundation

// MARK: - Projects

extension FakeConfidentAIState {
    /// `POST /v1/projects`: 400 without a name, 409 when the name is taken. With `email` (an
    /// organization member) that member becomes the project's Owner.
    public mutating func createProject(
        name: String?, description: String?, ownerEmail: String?
    )
        throws(FakeConfidentAIError) -> Project
    {
        guard let name, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .badRequest("name is required")
        }
        guard !projects.contains(where: { $0.name == name }) else {
            throw .conflict("A project named '\(name)' already exists in this organization")
        }
        var owner: Member?
        if let ownerEmail {
            guard let found = member(email: ownerEmail) else {
                throw .badRequest("\(ownerEmail) is not a member of this organization")
            }
            owner = found
        }
        let project = Project(id: issueID("clp"), name: name, description: description, createdAt: timestamp())
        projects.append(project)
        if let owner, let role = projectRole(named: "Owner", in: project.id) {
            projectMembers.append(ProjectMember(projectID: project.id, userID: owner.id, roleID: role.id))
        }
        return project
    }

    /// `DELETE /v1/projects/{id}`: the project, its members and invitations go; 404 when unknown.
    public mutating func deleteProject(id: String) throws(FakeConfidentAIError) {
        _ = try projectIndex(id)
        projects.removeAll { $0.id == id }
        projectMembers.removeAll { $0.projectID == id }
        invitations.removeAll { $0.projectID == id }
    }

    /// The index of project `id`, or 404.
    func projectIndex(_ id: String) throws(FakeConfidentAIError) -> Int {
        guard let index = projects.firstIndex(where: { $0.id == id }) else { throw .notFound("Project not found") }
        return index
    }
}

// MARK: - Invitations

extension FakeConfidentAIState {
    /// `POST /v1/organization/invitations` (`projectID == nil`) or `…/projects/{id}/invitations`.
    ///
    /// Addresses that are already members (of the organization, or of the project) or already
    /// have a pending invitation of the same kind are skipped. A project invitation for someone
    /// outside the organization follows ``Options/nonMemberProjectInvitation``.
    ///
    /// - Returns: The invitations created (skipped addresses are not in it [U]).
    /// - Throws: 400 for a missing or empty `emails`, a bad address, an unknown role or the
    ///   Owner role; 404 for an unknown project.
    public mutating func invite(
        emails: [String]?, roleID: String?, projectID: String?
    ) throws(FakeConfidentAIError)
        -> [Invitation]
    {
        guard let emails, !emails.isEmpty else {
            throw .badRequest("emails must be a non-empty array of email addresses")
        }
        if let projectID { _ = try projectIndex(projectID) }
        for email in emails where !Self.looksLikeEmail(email) {
            throw .badRequest("Invalid email address: \(email)")
        }
        if let roleID {
            let role = projectID.map { projectRole(id: roleID, in: $0) } ?? organizationRole(id: roleID)
            guard let role else { throw .badRequest("Role \(roleID) does not exist") }
            guard role.name != "Owner" else { throw .badRequest("The Owner role cannot be assigned to invitees") }
        }
        if projectID != nil, options.nonMemberProjectInvitation == .reject,
            let outsider = emails.first(where: { member(email: $0) == nil })
        {
            throw .badRequest(
                "\(outsider) is not a member of this organization: "
                    + "users must be organization members before they can be added to a project"
            )
        }
        var created: [Invitation] = []
        var seen: Set<String> = []
        for email in emails {
            let key = email.lowercased()
            guard seen.insert(key).inserted else { continue }
            if let existing = member(email: email) {
                if projectID == nil || membership(projectID: projectID!, userID: existing.id) != nil { continue }
            }
            if invitations(projectID: projectID).contains(where: { $0.isPending && $0.email.lowercased() == key }) {
                continue
            }
            created.append(insertInvitation(email: email, roleID: roleID, projectID: projectID, status: .pending))
        }
        return created
    }

    /// Adds an invitation directly (seeding), bypassing the rules.
    @discardableResult
    public mutating func insertInvitation(
        email: String, roleID: String?, projectID: String?, status: Invitation.Status
    )
        -> Invitation
    {
        let invitation = Invitation(
            id: nextInvitationID,
            projectID: projectID,
            email: email,
            status: status,
            roleID: roleID,
            createdAt: timestamp()
        )
        nextInvitationID += 1
        invitations.append(invitation)
        return invitation
    }

    /// `DELETE …/invitations/{id}`: 404 when unknown, deleted or of another kind or project;
    /// 400 when already accepted.
    public mutating func deleteInvitation(id: Int, projectID: String?) throws(FakeConfidentAIError) {
        if let projectID { _ = try projectIndex(projectID) }
        guard let index = invitations.firstIndex(where: { $0.id == id && $0.projectID == projectID }) else {
            throw .notFound("Invitation not found")
        }
        guard invitations[index].status != .accepted else {
            throw .badRequest("An accepted invitation cannot be revoked")
        }
        invitations.remove(at: index)
    }

    /// The invitee accepts the pending invitation of that kind for `email`: they join the
    /// organization (or the project) with its role, or the default `Member` role.
    ///
    /// - Throws: 404 without such an invitation; 400 for a project invitation of someone who is
    ///   not (or no longer) an organization member.
    @discardableResult
    public mutating func acceptInvitation(email: String, projectID: String?) throws(FakeConfidentAIError) -> Member {
        guard
            let index = invitations.firstIndex(where: {
                $0.isPending && $0.projectID == projectID && $0.email.lowercased() == email.lowercased()
            })
        else { throw .notFound("No pending invitation for \(email)") }
        let invitation = invitations[index]
        if let projectID {
            guard let user = member(email: email) else {
                throw .badRequest("\(email) is not a member of this organization")
            }
            let roleID = invitation.roleID ?? projectRole(named: "Member", in: projectID)!.id
            if membership(projectID: projectID, userID: user.id) == nil {
                projectMembers.append(ProjectMember(projectID: projectID, userID: user.id, roleID: roleID))
            }
            invitations[index].status = .accepted
            return user
        }
        invitations[index].status = .accepted
        if let existing = member(email: email) { return existing }
        let roleID = invitation.roleID ?? organizationRole(named: "Member")!.id
        return insertMember(email: invitation.email, name: String(email.prefix { $0 != "@" }), roleID: roleID)
    }

    /// The invitee declines: the invitation stays listed as `DECLINED`.
    public mutating func declineInvitation(email: String, projectID: String?) {
        for index in invitations.indices
        where invitations[index].isPending && invitations[index].projectID == projectID
            && invitations[index].email.lowercased() == email.lowercased()
        {
            invitations[index].status = .declined
        }
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
    }
}

// MARK: - Members

extension FakeConfidentAIState {
    /// `PUT /v1/organization/members/{userId}`: Owner transfers ownership (the old Owner becomes
    /// Admin); the Owner's own role can only change by transfer (400).
    public mutating func updateOrganizationRole(userID: String, roleID: String?) throws(FakeConfidentAIError) -> Member
    {
        guard let index = members.firstIndex(where: { $0.id == userID }) else { throw .notFound("Member not found") }
        guard let roleID, let role = organizationRole(id: roleID) else {
            throw .badRequest("roleId must name an organization role")
        }
        let owner = organizationRole(named: "Owner")!.id
        if members[index].roleID == owner, roleID != owner {
            throw .badRequest("Transfer ownership by making another member Owner")
        }
        if role.id == owner, let current = members.firstIndex(where: { $0.roleID == owner }) {
            members[current].roleID = organizationRole(named: "Admin")!.id
        }
        members[index].roleID = role.id
        return members[index]
    }

    /// `DELETE /v1/organization/members/{userId}`: also removes every project membership and
    /// pending invitation of the user; 404 when not a member, 400 for the Owner.
    public mutating func removeOrganizationMember(userID: String) throws(FakeConfidentAIError) {
        guard let removed = member(id: userID) else { throw .notFound("Member not found") }
        guard removed.roleID != organizationRole(named: "Owner")!.id else {
            throw .badRequest("The organization Owner cannot be removed")
        }
        members.removeAll { $0.id == userID }
        projectMembers.removeAll { $0.userID == userID }
        invitations.removeAll { $0.isPending && $0.email.lowercased() == removed.email.lowercased() }
    }

    /// `PUT /v1/projects/{id}/members/{userId}`: Owner transfers project ownership (the old Owner
    /// becomes Manager); the Owner's own role can only change by transfer (400).
    public mutating func updateProjectRole(
        projectID: String, userID: String, roleID: String?
    )
        throws(FakeConfidentAIError) -> ProjectMember
    {
        _ = try projectIndex(projectID)
        guard let index = projectMembers.firstIndex(where: { $0.projectID == projectID && $0.userID == userID }) else {
            throw .notFound("Project member not found")
        }
        guard let roleID, let role = projectRole(id: roleID, in: projectID) else {
            throw .badRequest("roleId must name a role of this project")
        }
        let owner = projectRole(named: "Owner", in: projectID)!.id
        if projectMembers[index].roleID == owner, roleID != owner {
            throw .badRequest("Transfer project ownership by making another member Owner")
        }
        if role.id == owner,
            let current = projectMembers.firstIndex(where: { $0.projectID == projectID && $0.roleID == owner })
        {
            projectMembers[current].roleID = projectRole(named: "Manager", in: projectID)!.id
        }
        projectMembers[index].roleID = role.id
        return projectMembers[index]
    }

    /// `DELETE /v1/projects/{id}/members/{userId}`: also clears the user's pending invitations to
    /// the project; 404 when not a member, 400 for the project Owner.
    public mutating func removeProjectMember(projectID: String, userID: String) throws(FakeConfidentAIError) {
        _ = try projectIndex(projectID)
        guard let membership = membership(projectID: projectID, userID: userID) else {
            throw .notFound("Project member not found")
        }
        guard membership.roleID != projectRole(named: "Owner", in: projectID)!.id else {
            throw .badRequest("The project Owner cannot be removed")
        }
        projectMembers.removeAll { $0.projectID == projectID && $0.userID == userID }
        if let email = member(id: userID)?.email.lowercased() {
            invitations.removeAll { $0.projectID == projectID && $0.isPending && $0.email.lowercased() == email }
        }
    }
}
