import RosterCore

// MARK: - Offboarding

extension PostHogConnector.Run {
    /// `revoke_invites`: deletes every invite for the address (compared case-insensitively),
    /// expired ones included. Other people's invites Roster cannot read are skipped (and
    /// reported by the client); one of this person's that cannot be read is deleted by its id,
    /// or, without one, fails the step.
    mutating func revokeInvites() async throws -> StepOutcome {
        // A leaver's step reads a listing started after the step began (its freshness): an invite
        // made behind Roster's back, or one PostHog replaced under a new id, is found.
        let listing = try await listedInvites()
        var ids = listing.items.filter { $0.hasEmail(email) }.map(\.id)
        for record in listing.unreadable where record.concerns(email: email) {
            guard let id = record.id else {
                try client.refuseUnreadable([record], concerning: email, what: "invite")
                continue
            }
            ids.append(id)
        }
        return StepOutcome(summary: try await deleteInvites(ids: ids))
    }

    /// `revoke_api_keys`: PostHog has no endpoint for an admin to revoke another user's personal
    /// API keys. Removing the organization membership (a later step) is what takes this
    /// organization away from them; this step reports what PostHog says about the keys.
    mutating func revokeAPIKeys() async throws -> StepOutcome {
        let consequence = "they lose access to this organization when the membership is removed"
        guard let member = try await member() else {
            return StepOutcome(summary: "not an organization member: personal API keys grant no access here")
        }
        let keys: PostHogScopedAPIKeys
        do {
            keys = try await client.scopedAPIKeys(userUUID: member.user.uuid)
        } catch let error as VendorError where error.status == 403 || error.status == 404 {
            return StepOutcome(summary: "PostHog cannot revoke personal API keys; \(consequence)")
        }
        guard keys.hasKeys else {
            return StepOutcome(summary: "no personal API keys")
        }
        let recent = keys.hasKeysActiveLastWeek == true ? ", used in the last week" : ""
        return StepOutcome(
            summary: "\(keys.keyCount) personal API key(s)\(recent); PostHog cannot revoke them, \(consequence)"
        )
    }

    /// `remove_project_memberships`: nothing to call. PostHog removes a member's access to
    /// every project when the organization membership is removed.
    func removeProjectMemberships() -> StepOutcome {
        StepOutcome(
            summary: "project access goes with the organization membership (removed in one call by the next step)"
        )
    }

    /// `remove_organization_membership`: `DELETE /members/{user_uuid}/` for every account whose
    /// address is the person's in any letter case (``PostHogClient/findMembers(email:)``). Not a
    /// member, or a 404, is success; PostHog refuses to remove an owner (a permanent error with
    /// its message).
    mutating func removeOrganizationMembership() async throws -> StepOutcome {
        if progress.state[.memberRemoved] == "true" {
            return StepOutcome(summary: "removed from the organization by an earlier attempt")
        }
        var uuids = progress.state[.userUUID].map { [$0] } ?? []
        var memberIDs: [String: String] = [:]
        for member in try await lookUpMembers() {
            memberIDs[member.user.uuid] = member.id
            if !uuids.contains(member.user.uuid) { uuids.append(member.user.uuid) }
        }
        guard !uuids.isEmpty else { return StepOutcome(summary: "not an organization member") }
        var summaries: [String] = []
        for uuid in uuids where !progress.state.contains(uuid, in: .removedMembers) {
            let outcome = try await mutation(decidedFrom: [.users], in: directory, contradicts: { _ in false }) {
                try await DeleteOutcome.of { try await client.deleteMember(userUUID: uuid) }
            }
            directory.removedMember(userUUID: uuid, memberID: memberIDs[uuid])
            let record = AuditRecord(
                action: .removeOrganizationMember,
                target: ["user_uuid": uuid],
                outcome: outcome
            )
            try await progress.record(record) { $0.append(uuid, to: .removedMembers) }
            summaries.append(
                outcome == .done ? "removed \(uuid) from the organization and its projects" : "\(uuid) was already gone"
            )
        }
        try await progress.save { $0[.memberRemoved] = "true" }
        return StepOutcome(
            summary: summaries.isEmpty ? "removed by an earlier attempt" : summaries.joined(separator: "; "))
    }
}
