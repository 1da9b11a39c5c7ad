import Foundation
import Logging
import RosterCore

// MARK: - Revoking access

extension RelevanceAIStepRun {
    /// Organisation roles whose access does not end with project removal.
    static let organizationAdminRoles: Set<String> = ["admin", "owner"]

    /// What to do about an invite that deletion did not remove.
    static let inviteDeletionHint =
        "Relevance AI lists invites by _id but deletes them by invite_code, and here the two differ; "
        + "revoke it in Relevance AI (the project's settings, members) — until then it can be accepted"

    /// The residual for invites still listed after deletion, or `nil`.
    static func stuckInvitesResidual(_ stuck: [String]) -> String? {
        guard !stuck.isEmpty else { return nil }
        return "pending invite(s) still listed after deletion (\(stuck.joined(separator: ", "))): \(inviteDeletionHint)"
    }

    /// `revoke_invites`: every project's pending invites for the address. Invites that a fresh
    /// listing still shows after their deletion are the step's ``StepOutcome/residual``, so the
    /// rest of the offboarding still runs and the operator is told.
    mutating func revokeInvites() async throws -> StepOutcome {
        var notes: [String] = []
        var stuck: [String] = []
        for project in try await allProjects() {
            let revoked = try await revokeInvites(in: project.id)
            notes += revoked.notes
            stuck += revoked.stuck
        }
        let residual = Self.stuckInvitesResidual(stuck)
        if residual != nil {
            logger.warning("Relevance AI invites still listed after deletion", metadata: ["invites": "\(stuck)"])
        }
        return StepOutcome(
            summary: notes.isEmpty ? "no pending invites" : notes.joined(separator: "; "),
            residual: residual
        )
    }

    /// Deletes the address's pending invites to `projectID`.
    ///
    /// - Returns: Notes for the summary, and `<projectId>:<inviteId>` of invites still listed.
    mutating func revokeInvites(in projectID: String) async throws -> (notes: [String], stuck: [String]) {
        let mine = try await invites(in: projectID).filter { $0.hasEmail(email) }
        let stuck = try await deleteInvites(mine, in: projectID)
        let notes = mine.map(\.id).filter { id in !stuck.contains("\(projectID):\(id)") }.map {
            "revoked invite \($0) to \(projectID)"
        }
        return (notes, stuck)
    }

    /// Deletes `invites` of `projectID` (by ``RelevanceAIInvite/code``), then lists the project's
    /// invites again: an invite counts as deleted — whether the vendor answered 200 or 404 —
    /// only when that listing no longer shows it (Relevance AI lists `_id`, deletes by
    /// `invite_code`, and does not document that they are equal). Each deletion is audited with
    /// its outcome: `done`, `already_gone`, or `still_listed`.
    ///
    /// - Returns: `<projectId>:<inviteId>` of the invites still listed.
    mutating func deleteInvites(_ invites: [RelevanceAIInvite], in projectID: String) async throws -> [String] {
        guard !invites.isEmpty else { return [] }
        var outcomes: [(invite: RelevanceAIInvite, outcome: DeleteOutcome)] = []
        let client = self.client
        for invite in invites {
            let outcome = try await DeleteOutcome.of {
                try await client.deleteInvite(code: invite.code, project: projectID)
            }
            outcomes.append((invite, outcome))
        }
        // A listing started after the deletions (the directory keeps it: it is the truth now).
        let deletedBy = Date()
        let listed = Set(try await self.invites(in: projectID, notBefore: deletedBy).map(\.id))
        var stuck: [String] = []
        for (invite, outcome) in outcomes {
            let key = "\(projectID):\(invite.id)"
            let target = ["project_id": projectID, "invite_code": invite.code]
            if listed.contains(invite.id) {
                stuck.append(key)
                try await record(.deleteInvite, target, outcome: .stillListed)
            } else {
                try await record(.deleteInvite, target, outcome: outcome) {
                    $0.append(key, to: .deletedInvites)
                }
            }
        }
        return stuck
    }

    /// `revoke_api_keys`: the user's keys in every project they are in.
    mutating func revokeAPIKeys() async throws -> StepOutcome {
        var deleted = 0
        var found = false
        for project in try await allProjects() {
            guard let user = try await user(in: project.id) else { continue }
            found = true
            for key in try await client.listAPIKeys(userID: user.id, project: project.id)
            where !state.contains(key.id, in: .deletedKeys) {
                let outcome = try await DeleteOutcome.of {
                    try await client.deleteAPIKey(id: key.id, userID: user.id, project: project.id)
                }
                try await record(
                    .deleteAPIKey,
                    ["project_id": project.id, "user_id": user.id, "key_id": key.id],
                    outcome: outcome
                ) {
                    $0[.userID] = user.id
                    $0.append(key.id, to: .deletedKeys)
                }
                deleted += 1
            }
        }
        if !found { return StepOutcome(summary: "not a user of any project: no API keys found") }
        return StepOutcome(summary: deleted == 0 ? "no API keys" : "deleted \(deleted) API key(s)")
    }

    /// `remove_project_memberships`: an organisation admin is first made an organisation
    /// member (`{admin: false, role: "operator"}`): Relevance AI documents that an admin keeps
    /// access otherwise and must be demoted before removal. Then the user leaves every project
    /// they are in, once per project; projects done by an earlier attempt (`removed_from`) are
    /// skipped without a call. An organisation owner is not demoted (the API assigns no role
    /// that takes ownership away) and not removed: the step's residual says so.
    mutating func removeProjectMemberships() async throws -> StepOutcome {
        var notes: [String] = []
        let remaining = try await allProjects().filter { !state.contains($0.id, in: .removedFrom) }
        var found: RelevanceAIUser?
        for project in remaining where found == nil {
            found = try await user(in: project.id)
        }
        if let user = found, let role = user.organizationRole(in: organizationID) {
            if role == "owner" {
                return StepOutcome(
                    summary: "user \(user.id) is an owner of organisation \(organizationID): not removed",
                    residual: "owner of the Relevance AI organisation: owners keep every project and Roster does not "
                        + "demote owners; transfer ownership, then run the offboarding again (roster replay)"
                )
            }
            if role == "admin" {
                try await client.updateOrganizationUser(
                    organizationID: organizationID,
                    userID: user.id,
                    admin: false,
                    role: Self.organizationMemberRole,
                    project: defaultProjectID
                )
                directory.organizationRoleChanged()
                users.removeAll()
                try await record(
                    .changeOrganizationRole,
                    ["organization_id": organizationID, "user_id": user.id, "role": Self.organizationMemberRole]
                ) {
                    $0[.userID] = user.id
                    $0[.orgDemoted] = user.id
                }
                notes.append("made \(user.id) an organisation member (was admin)")
            }
        }
        for project in remaining {
            if let note = try await removeMembership(from: project.id) {
                notes.append(note)
            }
        }
        return StepOutcome(summary: notes.isEmpty ? "no project memberships" : notes.joined(separator: "; "))
    }

    /// The organisation role an admin is demoted to: `operator`, the API's name for the
    /// interface's "Member" (who sees only the projects they are in).
    static let organizationMemberRole = "operator"

    /// Removes the employee from `projectID` when they are a user there; `nil` when not.
    mutating func removeMembership(from projectID: String) async throws -> String? {
        guard let user = try await user(in: projectID) else { return nil }
        let client = self.client
        let outcome = try await DeleteOutcome.of { try await client.removeUser(id: user.id, project: projectID) }
        directory.removed(userID: user.id, from: projectID)
        forgetUser(in: projectID)
        try await record(.removeProjectMember, ["project_id": projectID, "user_id": user.id], outcome: outcome) {
            $0[.userID] = user.id
            $0.append(projectID, to: .removedFrom)
        }
        return "removed \(user.id) from \(projectID)"
    }
}
