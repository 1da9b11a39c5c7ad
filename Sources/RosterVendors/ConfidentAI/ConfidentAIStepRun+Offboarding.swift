import RosterCore

// MARK: - Revoking access

extension ConfidentAIStepRun {
    /// `revoke_invites`: organization and project invitations for the address that may still be
    /// accepted (pending, or a status Roster does not know).
    mutating func revokeInvitations() async throws -> StepOutcome {
        var revoked = 0
        let client = self.client
        for invitation in try await organizationInvitations()
        where invitation.mayStillBeAccepted && invitation.hasEmail(email) {
            let key = "org:\(invitation.id)"
            guard !state.contains(key, in: .deletedInvitations) else { continue }
            let outcome = try await deletion(decidedFrom: .invites) {
                try await client.deleteOrganizationInvitation(id: invitation.id)
            }
            directory.deletedOrganizationInvitation(id: invitation.id)
            try await record(.deleteInvite, ["invitation_id": invitation.id], outcome: outcome) {
                $0.append(key, to: .deletedInvitations)
            }
            revoked += 1
        }
        for project in try await allProjects() {
            for invitation in try await projectInvitations(of: project.id)
            where invitation.mayStillBeAccepted && invitation.hasEmail(email) {
                let key = "project:\(project.id):\(invitation.id)"
                guard !state.contains(key, in: .deletedInvitations) else { continue }
                let outcome = try await deletion(decidedFrom: .projectInvites(project.id)) {
                    try await client.deleteProjectInvitation(projectID: project.id, id: invitation.id)
                }
                directory.deletedProjectInvitation(id: invitation.id, in: project.id)
                try await record(
                    .deleteProjectInvite,
                    ["project_id": project.id, "invitation_id": invitation.id],
                    outcome: outcome
                ) { $0.append(key, to: .deletedInvitations) }
                revoked += 1
            }
        }
        return StepOutcome(summary: revoked == 0 ? "no pending invitations" : "revoked \(revoked) invitation(s)")
    }

    /// `remove_project_memberships`: every project, explicitly; projects already done by an
    /// earlier attempt (`removed_from`) are skipped without a call.
    mutating func removeProjectMemberships() async throws -> StepOutcome {
        guard let member = try await organizationMember() else {
            return StepOutcome(summary: "not an organisation member: no project memberships")
        }
        var notes: [String] = []
        for project in try await allProjects() where !state.contains(project.id, in: .removedFrom) {
            if let note = try await removeMembership(of: member, from: project.id) {
                notes.append(note)
            }
        }
        return StepOutcome(summary: notes.isEmpty ? "no project memberships left" : notes.joined(separator: "; "))
    }

    /// Removes `member` from `projectID` when they are in it; `nil` when they are not.
    mutating func removeMembership(of member: ConfidentAIMember, from projectID: String) async throws -> String? {
        let client = self.client
        let members = try await projectMembers(of: projectID)
        guard let current = members.first(where: { $0.id == member.id }) else { return nil }
        if current.projectRole?.isOwner == true {
            return
                "left as Owner of \(projectID) "
                + "(a project Owner cannot be removed; the organisation removal detaches it)"
        }
        let outcome = try await deletion(decidedFrom: .members(projectID)) {
            try await client.removeProjectMember(projectID: projectID, userID: member.id)
        }
        directory.removed(member, from: projectID)
        try await record(.removeProjectMember, ["project_id": projectID, "user_id": member.id], outcome: outcome) {
            $0[.userID] = member.id
            $0.append(projectID, to: .removedFrom)
        }
        return "removed from \(projectID)"
    }

    /// `remove_organization_membership`.
    mutating func removeOrganizationMembership() async throws -> StepOutcome {
        guard let member = try await organizationMember() else {
            return StepOutcome(summary: "not an organisation member: nothing to remove")
        }
        if member.organizationRole?.isOwner == true {
            throw Self.refusal(
                "user \(member.id) is the organization Owner, whom Confident AI does not let be removed: "
                    + "transfer ownership first"
            )
        }
        let client = self.client
        let outcome = try await deletion(decidedFrom: .users) {
            try await client.removeOrganizationMember(userID: member.id)
        }
        directory.removedFromOrganization(member)
        try await record(.removeOrganizationMember, ["user_id": member.id], outcome: outcome) {
            $0[.userID] = member.id
        }
        return StepOutcome(
            summary: "removed user \(member.id) from the organisation (its projects and invitations go with it)"
        )
    }
}
