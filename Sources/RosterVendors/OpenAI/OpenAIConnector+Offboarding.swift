import RosterCore

// MARK: - Offboarding

extension OpenAIConnector.Run {
    /// `revoke_invites`: deletes every pending invite for the address (accepted and expired
    /// invites cannot be used, and OpenAI refuses to delete accepted ones).
    mutating func revokeInvites() async throws -> StepOutcome {
        let pending = try await pendingInvites()
        var count = 0
        for invite in pending where !progress.state.contains(invite.id, in: "deleted_invites") {
            let outcome = try await DeleteOutcome.of { _ = try await client.deleteInvite(id: invite.id) }
            directory.deletedInvite(id: invite.id)
            let record = AuditRecord(
                action: .deleteInvite,
                target: ["invite_id": invite.id],
                outcome: outcome
            )
            try await progress.record(record) { $0.append(invite.id, to: "deleted_invites") }
            count += 1
        }
        return StepOutcome(summary: count == 0 ? "no pending invites" : "deleted \(count) pending invite(s)")
    }

    /// `revoke_api_keys`: deletes the keys the person owns in every active project, whatever
    /// their owner's access (`owner_project_access=any`). Keys already in `deleted_keys` are
    /// skipped and a 404 counts as deleted, so a resumed attempt finishes the list.
    ///
    /// Archived projects are listed too: OpenAI refuses to change them, so keys of theirs found
    /// there are reported as residual (archived projects cannot be used).
    mutating func revokeAPIKeys() async throws -> StepOutcome {
        let userID = try await userID(fullListing: true)
        var deleted = 0
        var stranded = 0
        for project in try await listedProjects() {
            if project.isArchived {
                stranded += try await countKeys(inArchived: project.id, userID: userID)
            } else {
                deleted += try await deleteKeys(in: project.id, userID: userID)
            }
        }
        let earlier = (progress.state.lists["deleted_keys"]?.count ?? 0) - deleted
        var summary = deleted == 0 ? "no API keys to delete" : "deleted \(deleted) API key(s)"
        if earlier > 0 { summary += " (\(earlier) deleted by an earlier attempt)" }
        let residual =
            stranded == 0
            ? nil
            : "\(stranded) API key(s) in archived projects cannot be deleted through the API "
                + "(archived projects cannot be used)"
        return StepOutcome(summary: summary, residual: residual)
    }

    /// `remove_project_memberships`: removes the person from every active project they are in.
    mutating func removeProjectMemberships() async throws -> StepOutcome {
        guard let userID = try await userID(fullListing: true) else {
            return StepOutcome(summary: "not an organization member; no project memberships")
        }
        var removed = 0
        for project in try await listedProjects()
        where !project.isArchived && !progress.state.contains(project.id, in: .removedProjects) {
            let members = try await listedMembers(of: project.id)
            guard members.contains(where: { $0.id == userID }) else { continue }
            let outcome = try await DeleteOutcome.of {
                _ = try await client.deleteProjectUser(projectID: project.id, userID: userID)
            }
            directory.removedMember(userID: userID, from: project.id)
            let record = AuditRecord(
                action: .removeProjectMember,
                target: ["project_id": project.id, "user_id": userID],
                outcome: outcome
            )
            try await progress.record(record) { $0.append(project.id, to: "removed_projects") }
            removed += 1
        }
        return StepOutcome(summary: removed == 0 ? "in no projects" : "removed from \(removed) project(s)")
    }

    /// `remove_organization_membership`: removes the person from the organization. Not being a
    /// member, or a 404, is success.
    mutating func removeOrganizationMembership() async throws -> StepOutcome {
        if progress.state["user_removed"] == "true" {
            return StepOutcome(summary: "removed from the organization by an earlier attempt")
        }
        // An earlier attempt that saved the id may have removed them and stopped before its
        // checkpoint (or someone else did): look again instead of deleting the saved id a second
        // time, and record the removal as already gone, since the audit row of that earlier
        // DELETE, if it was ours, was never written.
        if let savedID = progress.state[.userID], try await lookUpUser(fullListing: true) == nil {
            let record = AuditRecord(
                action: .removeOrganizationMember, target: ["user_id": savedID], outcome: .alreadyGone)
            try await progress.record(record) { $0["user_removed"] = "true" }
            return StepOutcome(summary: "\(savedID) was already gone")
        }
        guard let userID = try await userID(fullListing: true) else {
            return StepOutcome(summary: "not an organization member")
        }
        let outcome = try await DeleteOutcome.of { _ = try await client.deleteUser(id: userID) }
        directory.removedUser(id: userID)
        let record = AuditRecord(
            action: .removeOrganizationMember,
            target: ["user_id": userID],
            outcome: outcome
        )
        try await progress.record(record) { $0["user_removed"] = "true" }
        let residual =
            progress.state["user_scim_managed"] == "true"
            ? "\(userID) is SCIM-managed: the identity provider may add them back; remove them there too" : nil
        return StepOutcome(
            summary: outcome == .done ? "removed \(userID) from the organization" : "\(userID) was already gone",
            residual: residual
        )
    }

    /// The person's keys in an archived project, which OpenAI will not delete. A listing the
    /// vendor refuses (400 for archived projects) counts as none found.
    private func countKeys(inArchived projectID: String, userID: String?) async throws -> Int {
        do {
            return try await client.listProjectAPIKeys(projectID: projectID).filter { owns($0, userID: userID) }.count
        } catch let error as VendorError where error.status == 400 {
            return 0
        }
    }
}
