import RosterCore

// MARK: - Organization invitations through the batcher

extension ConfidentAIStepRun {
    /// `ensure_access` for someone who may not be an organization member yet, through the
    /// ``InviteBatcher``: the member and invitation listings and the `emails[]` call are shared
    /// with the other jobs of the batch, and this job records its own result.
    ///
    /// - Returns: The summary when the person was (or already is) invited; `nil` when they are
    ///   a member, whom ``member`` now holds, so the caller goes on to the project.
    mutating func inviteThroughBatch(
        for projectID: String,
        batcher: InviteBatcher<String, ConfidentAIInviteItemOutcome>
    ) async throws -> String? {
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
            return "organisation invitation \(id) pending; access to \(projectID) follows once it is accepted"
        case .invited(let id, let roleID, let batchSize):
            var target = ["role_id": roleID, "batch_size": String(batchSize)]
            target["invitation_id"] = id
            try await record("create_org_invitation", target) { $0["org_invitation_id"] = id }
            return "invited to the organisation (one call for \(batchSize) address(es)); "
                + "access to \(projectID) follows once it is accepted"
        }
    }
}
