import RosterCore

// MARK: - Granting access

extension RelevanceAIStepRun {
    /// `ensure_project`.
    mutating func ensureProject(named name: String) async throws -> StepOutcome {
        if let id = state[.projectID] {
            return StepOutcome(summary: "project \(id) ready (from checkpoint)")
        }
        let (project, created) = try await resolveProject(named: name)
        return StepOutcome(summary: created ? "created project \(project.id)" : "project \(project.id) exists")
    }

    /// `ensure_access`.
    mutating func ensureAccess(project name: String, role: RelevanceAIRole) async throws -> StepOutcome {
        let project = try await resolveProject(named: name).project
        return StepOutcome(summary: try await grantAccess(to: project.id, role: role))
    }

    /// `reconcile`: every grant applied, then access to every other project removed.
    mutating func reconcile(_ grants: [(project: String, role: RelevanceAIRole)]) async throws -> StepOutcome {
        var notes: [String] = []
        var granted: Set<String> = []
        for grant in grants.sorted(by: { $0.project < $1.project }) {
            let project = try await resolveProject(named: grant.project).project
            granted.insert(project.id)
            notes.append(try await grantAccess(to: project.id, role: grant.role))
        }
        var stuck: [String] = []
        for project in try await allProjects() where !granted.contains(project.id) {
            let revoked = try await revokeInvites(in: project.id)
            notes += revoked.notes
            stuck += revoked.stuck
            if let user = try await user(in: project.id),
                let orgRole = user.organizationRole(in: organizationID), Self.organizationAdminRoles.contains(orgRole)
            {
                // Their access there comes with the organisation role; a change event does not
                // change organisation roles (an offboarding does).
                notes.append(
                    "left \(user.id) in \(project.id): organisation \(orgRole), whose access a project removal does not end"
                )
                continue
            }
            if let note = try await removeMembership(from: project.id) {
                notes.append(note)
            }
        }
        return StepOutcome(
            summary: notes.isEmpty ? "no grants and no access to remove" : notes.joined(separator: "; "),
            residual: Self.stuckInvitesResidual(stuck)
        )
    }

    /// Makes the employee a user of `projectID` with `role`, or leaves an invite that will.
    private mutating func grantAccess(to projectID: String, role: RelevanceAIRole) async throws -> String {
        let (client, email) = (self.client, self.email)
        if let user = try await user(in: projectID) {
            if user.role(in: projectID) == role {
                return "user \(user.id) in \(projectID) as \(role) already"
            }
            try await mutation(decidedFrom: .members(projectID), in: directory) {
                try await client.updateUser(id: user.id, role: role, overwrite: true, project: projectID)
            }
            directory.changedRole(of: user.id, to: role, in: projectID)
            forgetUser(in: projectID)
            try await record(.changeProjectRole, ["project_id": projectID, "user_id": user.id, "role": role.action]) {
                $0[.userID] = user.id
            }
            return "changed role of \(user.id) in \(projectID) to \(role)"
        }
        let pending = try await invites(in: projectID).filter { $0.hasEmail(email) }
        if let invite = pending.first(where: { $0.permissions?.role == role }) {
            return "invite \(invite.code) to \(projectID) as \(role) pending"
        }
        // Relevance AI cannot change an invite's role: delete it, then invite again.
        let stuck = try await deleteInvites(pending, in: projectID)
        if !stuck.isEmpty {
            throw Self.refusal(
                "a pending invite with another role (\(stuck.joined(separator: ", "))) is still listed after deletion, "
                    + "so it cannot be replaced: \(Self.inviteDeletionHint)"
            )
        }
        let created = try await mutation(decidedFrom: .members(projectID), .projectInvites(projectID), in: directory) {
            try await client.invite(email: email, role: role, project: projectID)
        }
        if created.wasAutoAccepted {
            directory.autoAccepted(in: projectID)
        } else {
            let invite = RelevanceAIInvite(
                id: created.code,
                inviteCode: created.code,
                email: email,
                project: projectID,
                permissions: RelevanceAIPermissions(role: role)
            )
            directory.created(invite, in: projectID)
        }
        forgetUser(in: projectID)
        try await record(.createInvite, ["project_id": projectID, "invite_code": created.code, "role": role.action]) {
            $0[.inviteCode] = created.code
        }
        return "invited to \(projectID) as \(role)"
    }
}
