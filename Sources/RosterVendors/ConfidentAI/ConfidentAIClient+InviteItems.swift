// MARK: - Organization invitations for many jobs at once

/// What a batch of organization invitations did for one address (see
/// ``ConfidentAIClient/inviteToOrganization(items:roleName:)``).
public enum ConfidentAIInviteItemOutcome: Sendable, Hashable {
    /// Already an organization member: nothing was sent for them; the job goes on to the project.
    case member(ConfidentAIMember)
    /// An invitation is already pending: nothing was sent for them.
    case pending(invitationID: String)
    /// Invited by one `emails[]` call of `batchSize` addresses (the id when the response lists it).
    case invited(invitationID: String?, roleID: String, batchSize: Int)
}

extension ConfidentAIClient {
    /// Invites the addresses in `emails` that need it to the organization, with one
    /// `POST /v1/organization/invitations` carrying all of them, and answers each address.
    ///
    /// Looks first, once for the batch: the members (all pages) and the invitations, so a
    /// repeated batch sends nothing. Confident AI itself skips addresses that are already
    /// members or invited (a race with someone else's invitation is harmless). A failed call
    /// fails every address it carried; the role lookup or listing failing fails them all.
    ///
    /// - Parameters:
    ///   - emails: The addresses (compared case-insensitively).
    ///   - roleName: The organization role for the invitees, by name.
    /// - Returns: One result per address, in order.
    public func inviteToOrganization(
        items emails: [String], roleName: String
    ) async
        -> [Result<ConfidentAIInviteItemOutcome, any Error>]
    {
        await inviteToOrganization(
            items: emails,
            lookUp: { (try await listOrganizationMembers(), try await listOrganizationInvitations()) },
            role: { try Self.role(named: roleName, in: try await listOrganizationRoles(), scope: "organization") },
            invite: { emails, roleID in try await inviteToOrganization(emails: emails, roleID: roleID) }
        )
    }

    /// ``inviteToOrganization(items:roleName:)`` with its reads and its call given: `lookUp`
    /// answers the members and invitations (a directory's listings), `role` the role (asked only
    /// when someone is invited), and `invite` makes the `emails[]` call (and records it).
    func inviteToOrganization(
        items emails: [String],
        lookUp: () async throws -> (members: [ConfidentAIMember], invitations: [ConfidentAIInvitation]),
        role resolveRole: () async throws -> ConfidentAIRole,
        invite: (_ emails: [String], _ roleID: String) async throws -> [ConfidentAIInvitation]
    ) async -> [Result<ConfidentAIInviteItemOutcome, any Error>] {
        do {
            let (listedMembers, listedInvitations) = try await lookUp()
            var members: [String: ConfidentAIMember] = [:]
            for member in listedMembers { members[member.email.lowercased()] = member }
            var pending: [String: String] = [:]
            for invitation in listedInvitations where invitation.isPending {
                pending[invitation.email.lowercased()] = invitation.id
            }
            var outcomes: [String: ConfidentAIInviteItemOutcome] = [:]
            var toInvite: [String] = []
            for email in emails.map({ $0.lowercased() }) where outcomes[email] == nil {
                if let member = members[email] {
                    outcomes[email] = .member(member)
                } else if let id = pending[email] {
                    outcomes[email] = .pending(invitationID: id)
                } else if !toInvite.contains(email) {
                    toInvite.append(email)
                }
            }
            if !toInvite.isEmpty {
                let role = try await resolveRole()
                let created = try await invite(toInvite, role.id)
                for email in toInvite {
                    let id = created.first { $0.hasEmail(email) }?.id
                    outcomes[email] = .invited(invitationID: id, roleID: role.id, batchSize: toInvite.count)
                }
            }
            return emails.map { email in
                outcomes[email.lowercased()].map { .success($0) }
                    ?? .failure(
                        VendorError(
                            code: .unexpected, message: "no result for a batched invitation", vendor: Self.vendor))
            }
        } catch {
            return emails.map { _ in .failure(error) }
        }
    }
}

// MARK: - Project invitations for many jobs at once

/// What a batch of project invitations did for one address (see
/// ``ConfidentAIClient/inviteToProject(items:projectID:roleName:)``). Every case carries the
/// project role the batch resolved, so the job needs no role lookup of its own.
public enum ConfidentAIProjectInviteItemOutcome: Sendable, Hashable {
    /// Already a project member: nothing was sent. `member.projectRole` is their current role;
    /// when it is not `role`, the job changes it itself (`PUT …/members/{userId}`).
    case member(ConfidentAIMember, role: ConfidentAIRole)
    /// An invitation with `role` is already pending: nothing was sent.
    case pending(invitationID: String, role: ConfidentAIRole)
    /// Invited by one `emails[]` call of `batchSize` addresses (the id when the response lists
    /// it); `replaced` are the ids of pending invitations with another role that the batch
    /// deleted first (an invitation's role cannot be changed).
    case invited(invitationID: String?, role: ConfidentAIRole, replaced: [String], batchSize: Int)
}

extension ConfidentAIClient {
    /// Invites the addresses in `emails` that need it to `projectID` with the project role
    /// `roleName`, with `POST /v1/projects/{id}/invitations` calls carrying many addresses, and
    /// answers each address.
    ///
    /// Looks first, once for the batch: the project's roles, members (all pages) and
    /// invitations, so a repeated batch (a retried step, a re-run) sends nothing. Members are
    /// answered ``ConfidentAIProjectInviteItemOutcome/member(_:role:)`` whatever their role,
    /// addresses with a pending invitation of that role
    /// ``ConfidentAIProjectInviteItemOutcome/pending(invitationID:role:)``; a pending
    /// invitation with another role is deleted before the address is invited again.
    ///
    /// The addresses must be organization members (Confident AI requires it; the caller checks).
    ///
    /// Failures stay with the addresses they concern: a failed deletion fails only its address;
    /// a call refused with 400 (one bad address may fail the whole call) is split in halves and
    /// retried until the refused address is alone, and any other failure fails only the
    /// addresses of that call. The role lookup or a listing failing fails them all, as does the
    /// Owner role (permanently: it cannot be invited to).
    ///
    /// - Parameters:
    ///   - emails: The addresses (compared case-insensitively).
    ///   - projectID: The project.
    ///   - roleName: The project role, by name.
    /// - Returns: One result per address, in order.
    public func inviteToProject(
        items emails: [String], projectID: String, roleName: String
    ) async
        -> [Result<ConfidentAIProjectInviteItemOutcome, any Error>]
    {
        await inviteToProject(
            items: emails,
            projectID: projectID,
            lookUp: {
                let role = try Self.role(
                    named: roleName, in: try await listProjectRoles(projectID: projectID), scope: "project")
                return (
                    role, try await listProjectMembers(projectID: projectID),
                    try await listProjectInvitations(projectID: projectID)
                )
            },
            deleted: { _ in },
            invite: { emails, roleID in try await inviteToProject(projectID: projectID, emails: emails, roleID: roleID)
            }
        )
    }

    /// ``inviteToProject(items:projectID:roleName:)`` with its reads and its call given: `lookUp`
    /// answers the role, the project's members and its invitations (a directory's listings),
    /// `deleted` hears of each invitation deleted (or found gone), and `invite` makes one
    /// `emails[]` call (and records it).
    func inviteToProject(
        items emails: [String],
        projectID: String,
        lookUp: () async throws -> (
            role: ConfidentAIRole, members: [ConfidentAIMember], invitations: [ConfidentAIInvitation]
        ),
        deleted: (_ invitationID: String) -> Void,
        invite: (_ emails: [String], _ roleID: String) async throws -> [ConfidentAIInvitation]
    ) async -> [Result<ConfidentAIProjectInviteItemOutcome, any Error>] {
        let role: ConfidentAIRole
        var members: [String: ConfidentAIMember] = [:]
        var pending: [String: [ConfidentAIInvitation]] = [:]
        do {
            let (resolved, listedMembers, listedInvitations) = try await lookUp()
            role = resolved
            guard !role.isOwner else {
                throw VendorError(
                    code: .unexpected,
                    message: "Roster does not grant the project Owner role (it would transfer ownership)",
                    classification: .permanent,
                    vendor: Self.vendor
                )
            }
            for member in listedMembers {
                members[member.email.lowercased()] = member
            }
            for invitation in listedInvitations where invitation.isPending {
                pending[invitation.email.lowercased(), default: []].append(invitation)
            }
        } catch {
            return emails.map { _ in .failure(error) }
        }

        var outcomes: [String: Result<ConfidentAIProjectInviteItemOutcome, any Error>] = [:]
        var toInvite: [(email: String, replaced: [String])] = []
        for email in emails.map({ $0.lowercased() }) where outcomes[email] == nil {
            if let member = members[email] {
                outcomes[email] = .success(.member(member, role: role))
                continue
            }
            let existing = pending[email] ?? []
            if let current = existing.first(where: { $0.projectRoleID == role.id }) {
                outcomes[email] = .success(.pending(invitationID: current.id, role: role))
                continue
            }
            if toInvite.contains(where: { $0.email == email }) { continue }
            do {
                // An invitation's role cannot be changed: replace it.
                var replaced: [String] = []
                for stale in existing {
                    do {
                        try await deleteProjectInvitation(projectID: projectID, id: stale.id)
                    } catch let error as VendorError where error.isAlreadyGone {}
                    deleted(stale.id)
                    replaced.append(stale.id)
                }
                toInvite.append((email, replaced))
            } catch {
                outcomes[email] = .failure(error)
            }
        }
        if !toInvite.isEmpty {
            for (email, result) in await sendProjectInvitations(toInvite, role: role, invite: invite) {
                outcomes[email] = result
            }
        }
        return emails.map { email in
            outcomes[email.lowercased()]
                ?? .failure(
                    VendorError(code: .unexpected, message: "no result for a batched invitation", vendor: Self.vendor))
        }
    }

    /// One project-invitation call for `batch`, split in halves on a 400 until the refused
    /// addresses are alone.
    private func sendProjectInvitations(
        _ batch: [(email: String, replaced: [String])],
        role: ConfidentAIRole,
        invite: (_ emails: [String], _ roleID: String) async throws -> [ConfidentAIInvitation]
    ) async -> [(String, Result<ConfidentAIProjectInviteItemOutcome, any Error>)] {
        do {
            let created = try await invite(batch.map(\.email), role.id)
            return batch.map { entry in
                let id = created.first { $0.hasEmail(entry.email) }?.id
                return (
                    entry.email,
                    .success(.invited(invitationID: id, role: role, replaced: entry.replaced, batchSize: batch.count))
                )
            }
        } catch let error as VendorError where error.status == 400 && batch.count > 1 {
            let half = batch.count / 2
            return await sendProjectInvitations(Array(batch[..<half]), role: role, invite: invite)
                + sendProjectInvitations(Array(batch[half...]), role: role, invite: invite)
        } catch {
            return batch.map { ($0.email, .failure(error)) }
        }
    }
}
