import RosterCore

// MARK: - Organization invitations through the batcher

extension ConfidentAIStepRun {
    /// `ensure_access` for someone who may not be an organization member yet, through the
    /// ``InviteBatcher``: the member and invitation listings and the `emails[]` call are shared
    /// with the other jobs of the batch, and this job records its own result.
    ///
    /// - Returns: The organization invitation's id (`.some(nil)` when the answer named none)
    ///   when the person was (or already is) invited; `nil` when they are a member, whom
    ///   ``member`` now holds, so the caller goes on to the project.
    mutating func inviteThroughBatch(
        for projectID: String,
        batcher: InviteBatcher<String, ConfidentAIInviteItemOutcome>
    ) async throws -> String?? {
        let client = self.client
        let roleName = organizationRole
        let outcome = try await batcher.submit(email, key: "org-invitations:\(roleName)") { emails in
            await client.inviteToOrganization(items: emails, roleName: roleName)
        }
        switch outcome {
        case .member(let found):
            member = .some(found)
            return nil
        case .pending(let id):
            return .some(id)
        case .invited(let id, let roleID, let batchSize):
            var target = ["role_id": roleID, "batch_size": String(batchSize)]
            target["invitation_id"] = id
            try await record(.createInvite, target) { $0[.orgInvitationID] = id }
            return .some(id)
        }
    }
}

// MARK: - Project invitations through the batcher

extension ConfidentAIStepRun {
    /// Project access for an organization member through the project ``InviteBatcher``: the
    /// role lookup, the member and invitation listings and the `emails[]` call are shared with
    /// the other jobs inviting to `project` with the same role; this job changes a member's role
    /// itself and audits and checkpoints its own result (replaced invitations, the invitation).
    ///
    /// The batch key is the project and the role: every address of one call gets the same
    /// `projectRoleId` (the role's name resolves to exactly one id in the project).
    ///
    /// - Returns: A PII-free summary.
    mutating func inviteToProjectThroughBatch(
        _ project: ConfidentAIProject,
        role roleName: String,
        batcher: InviteBatcher<String, ConfidentAIProjectInviteItemOutcome>
    ) async throws -> String {
        let client = self.client
        let projectID = project.id
        let key = "project-invitations:\(projectID):\(roleName.lowercased())"
        let outcome = try await batcher.submit(email, key: key) { emails in
            await client.inviteToProject(items: emails, projectID: projectID, roleName: roleName)
        }
        switch outcome {
        case .member(let current, let role):
            return try await keep(current, in: projectID, as: role)
        case .pending(let id, let role):
            return "invitation \(id) to \(projectID) as \(role.name) pending"
        case .invited(let id, let role, let replaced, let batchSize):
            for stale in replaced {
                try await record(
                    .deleteProjectInvite,
                    ["project_id": projectID, "invitation_id": stale]
                ) { $0.append("project:\(projectID):\(stale)", to: .deletedInvitations) }
            }
            var target = ["project_id": projectID, "role_id": role.id, "batch_size": String(batchSize)]
            target["invitation_id"] = id
            try await record(.createProjectInvite, target) { $0[.invitationID] = id }
            return "invited to \(projectID) as \(role.name) (one call for \(batchSize) address(es))"
        }
    }
}
