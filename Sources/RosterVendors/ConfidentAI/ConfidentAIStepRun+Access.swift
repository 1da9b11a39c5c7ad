import RosterCore

// MARK: - Granting access

extension ConfidentAIStepRun {
    /// `ensure_project`.
    mutating func ensureProject(named name: String) async throws -> StepOutcome {
        if let id = state[.projectID] {
            return StepOutcome(summary: "project \(id) ready (from checkpoint)")
        }
        let (project, created) = try await resolveProject(named: name)
        return StepOutcome(summary: created ? "created project \(project.id)" : "project \(project.id) exists")
    }

    /// `ensure_access`.
    mutating func ensureAccess(project name: String, role: String?) async throws -> StepOutcome {
        let project = try await resolveProject(named: name).project
        if let batcher, member == nil, let invited = try await inviteThroughBatch(for: project.id, batcher: batcher) {
            try await awaitAcceptance(of: invited)
        }
        return StepOutcome(summary: try await grantAccess(to: project, role: role ?? defaultProjectRole))
    }

    /// `reconcile`: every grant applied, then access to every other project removed.
    mutating func reconcile(_ grants: [AccessGrant]) async throws -> StepOutcome {
        var notes: [String] = []
        var granted: Set<String> = []
        for grant in grants.sorted() {
            let project = try await resolveProject(named: grant.project).project
            granted.insert(project.id)
            notes.append(try await grantAccess(to: project, role: grant.role))
        }
        let member = try await organizationMember()
        for project in try await allProjects() where !granted.contains(project.id) {
            if let member, let note = try await removeMembership(of: member, from: project.id) {
                notes.append(note)
            }
            for invitation in try await projectInvitations(of: project.id)
            where invitation.isPending && invitation.hasEmail(email) {
                let outcome = try await deletion(decidedFrom: .projectInvites(project.id)) { [client] in
                    try await client.deleteProjectInvitation(projectID: project.id, id: invitation.id)
                }
                directory.deletedProjectInvitation(id: invitation.id, in: project.id)
                try await record(
                    .deleteProjectInvite,
                    ["project_id": project.id, "invitation_id": invitation.id],
                    outcome: outcome
                ) { $0.append("project:\(project.id):\(invitation.id)", to: .deletedInvitations) }
                notes.append("revoked invitation \(invitation.id) to \(project.id)")
            }
        }
        return StepOutcome(summary: notes.isEmpty ? "no grants and no access to remove" : notes.joined(separator: "; "))
    }

    /// Makes the employee a member of `project` with `roleName`, or leaves an invitation that
    /// will; returns a PII-free summary.
    private mutating func grantAccess(to project: ConfidentAIProject, role roleName: String) async throws -> String {
        guard let member = try await organizationMember() else {
            try await awaitAcceptance(of: try await inviteToOrganization())
        }
        if let projectBatcher {
            return try await inviteToProjectThroughBatch(project, role: roleName, batcher: projectBatcher)
        }
        let (client, email) = (self.client, self.email)
        let role = try await projectRole(named: roleName, in: project.id)
        if let current = try await projectMembers(of: project.id).first(where: { $0.id == member.id }) {
            return try await keep(current, in: project.id, as: role)
        }
        let pending = try await projectInvitations(of: project.id).filter { $0.isPending && $0.hasEmail(email) }
        if let invitation = pending.first(where: { $0.projectRoleID == role.id }) {
            return "invitation \(invitation.id) to \(project.id) as \(role.name) pending"
        }
        for stale in pending {
            // An invitation's role cannot be changed: replace it.
            let outcome = try await deletion(decidedFrom: .projectInvites(project.id)) {
                try await client.deleteProjectInvitation(projectID: project.id, id: stale.id)
            }
            directory.deletedProjectInvitation(id: stale.id, in: project.id)
            try await record(
                .deleteProjectInvite,
                ["project_id": project.id, "invitation_id": stale.id],
                outcome: outcome
            ) { $0.append("project:\(project.id):\(stale.id)", to: .deletedInvitations) }
        }
        // A 400 may mean the directory's member was removed from the organization meanwhile.
        let created = try await mutation(
            decidedFrom: .users, .members(project.id), .projectInvites(project.id), in: directory
        ) {
            try await client.inviteToProject(projectID: project.id, emails: [email], roleID: role.id)
        }
        directory.invitedToProject(project.id, [email], created: created)
        let id = created.first { $0.hasEmail(email) }?.id
        var target = ["project_id": project.id, "role_id": role.id]
        target["invitation_id"] = id
        try await record(.createProjectInvite, target) { $0[.invitationID] = id }
        return "invited to \(project.id) as \(role.name)"
    }

    /// A project member: nothing to do when they have `role`, else their role is changed (the
    /// project Owner's is refused).
    mutating func keep(
        _ current: ConfidentAIMember, in projectID: String, as role: ConfidentAIRole
    ) async throws
        -> String
    {
        if current.projectRole?.id == role.id {
            return "member of \(projectID) as \(role.name) already"
        }
        if current.projectRole?.isOwner == true {
            throw Self.refusal("the project Owner's role cannot be changed without transferring ownership")
        }
        let client = self.client
        try await mutation(decidedFrom: .members(projectID), in: directory) {
            try await client.updateProjectMemberRole(projectID: projectID, userID: current.id, roleID: role.id)
        }
        directory.changedRole(of: current.id, to: role, in: projectID)
        try await record(
            .changeProjectRole,
            ["project_id": projectID, "user_id": current.id, "role_id": role.id]
        ) { $0[.userID] = current.id }
        return "changed role in \(projectID) to \(role.name)"
    }

    /// Someone who is not yet an organization member: one organization invitation, unless one
    /// is pending. Project access follows once they accept (``awaitAcceptance(of:)``).
    ///
    /// - Returns: The invitation's id, when known.
    private mutating func inviteToOrganization() async throws -> String? {
        let (client, email) = (self.client, self.email)
        let invitations = try await organizationInvitations()
        if let pending = invitations.first(where: { $0.isPending && $0.hasEmail(email) }) {
            return pending.id
        }
        let role = try await organizationRole(named: organizationRole)
        let created = try await mutation(decidedFrom: .users, .invites, in: directory) {
            try await client.inviteToOrganization(emails: [email], roleID: role.id)
        }
        directory.invitedToOrganization([email], created: created)
        let id = created.first { $0.hasEmail(email) }?.id
        var target = ["role_id": role.id]
        target["invitation_id"] = id
        try await record(.createInvite, target) { $0[.orgInvitationID] = id }
        return id
    }

    /// Runs a DELETE decided from `listings`: a 404 is ``AuditOutcome/alreadyGone``; an answer
    /// that was lost (anything but a 4xx refusal) makes the directory forget `listings`.
    func deletion(
        decidedFrom listings: DirectoryContradiction.Listing...,
        delete: () async throws -> Void
    ) async throws -> DeleteOutcome {
        do {
            return try await DeleteOutcome.of(delete)
        } catch {
            if let status = (error as? VendorError)?.status, (400..<500).contains(status) { throw error }
            directory.forget(Set(listings))
            throw error
        }
    }
}
