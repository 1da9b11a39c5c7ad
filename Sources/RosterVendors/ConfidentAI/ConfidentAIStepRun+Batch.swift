import Foundation
import RosterCore

/// One job's address in a shared Confident AI invitation batch, with how recent the listings the
/// batch decides it from must be (the job's ``DirectoryFreshness``, and for someone already
/// invited, a member listing started after the job's step did).
public struct ConfidentAIBatchItem: Sendable, Hashable {
    /// The address.
    public var email: String
    /// Listings must have started at or after this (`nil`: any within the time to live).
    public var notBefore: Date?
    /// The organization member listing must have started at or after this.
    public var membersNotBefore: Date?

    public init(email: String, notBefore: Date? = nil, membersNotBefore: Date? = nil) {
        self.email = email
        self.notBefore = notBefore
        self.membersNotBefore = membersNotBefore
    }

    /// The latest of `dates`, `nil` when none is set.
    static func latest(_ dates: [Date?]) -> Date? { dates.compactMap { $0 }.max() }
}

// MARK: - Organization invitations through the batcher

extension ConfidentAIStepRun {
    /// `ensure_access` for someone who may not be an organization member yet, through the
    /// ``InviteBatcher``: the `emails[]` call is shared with the other jobs of the batch, and
    /// this job records its own result.
    ///
    /// The batch decides from the directory's member and invitation listings: this job loads
    /// them with its own freshness before joining, so a flush lists again only when the listings
    /// held are not recent enough for one of its items (or were dropped meanwhile).
    ///
    /// - Returns: The organization invitation's id (`.some(nil)` when the answer named none)
    ///   when the person was (or already is) invited; `nil` when they are a member, whom
    ///   ``member`` now holds, so the caller goes on to the project.
    mutating func inviteThroughBatch(
        for projectID: String,
        batcher: InviteBatcher<ConfidentAIBatchItem, ConfidentAIInviteItemOutcome>
    ) async throws -> String?? {
        let membersFloor = Self.later(notBefore, acceptanceFloor)
        _ = try await organizationMembers(notBefore: membersFloor)
        _ = try await organizationInvitations()
        let (client, directory, roleName, startedAt) = (self.client, self.directory, organizationRole, self.startedAt)
        let item = ConfidentAIBatchItem(email: email, notBefore: notBefore, membersNotBefore: membersFloor)
        let outcome = try await batcher.submit(item, key: "org-invitations:\(roleName)") { items in
            await Self.flushOrganizationInvitations(
                items, roleName: roleName, client: client, directory: directory, startedAt: startedAt)
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

    /// One organization batch, decided from the directory's listings when they are recent enough
    /// for every item; the call updates the directory (or, its answer lost, makes it forget).
    static func flushOrganizationInvitations(
        _ items: [ConfidentAIBatchItem],
        roleName: String,
        client: ConfidentAIClient,
        directory: ConfidentAIDirectory,
        startedAt: Date
    ) async -> [Result<ConfidentAIInviteItemOutcome, any Error>] {
        let membersFloor = ConfidentAIBatchItem.latest(items.map { later($0.notBefore, $0.membersNotBefore) })
        let invitationsFloor = ConfidentAIBatchItem.latest(items.map(\.notBefore))
        return await client.inviteToOrganization(
            items: items.map(\.email),
            lookUp: {
                let members = try await directory.members(notBefore: membersFloor, using: client)
                let invitations = try await directory.invitations(notBefore: invitationsFloor, using: client)
                return (members.items, invitations.items)
            },
            role: {
                let listing = directory.organizationRoles
                let load: DirectoryListing<DirectoryEntries<ConfidentAIRole>>.Load = {
                    try await DirectoryEntries.load { try await client.reading(into: $0).listOrganizationRoles() }
                }
                if let role = try await listing.value(load: load).items.first(where: { $0.isNamed(roleName) }) {
                    return role
                }
                let listed = try await listing.value(notBefore: startedAt, load: load).items
                return try ConfidentAIClient.role(named: roleName, in: listed, scope: "organization")
            },
            invite: { emails, roleID in
                do {
                    let created = try await client.inviteToOrganization(emails: emails, roleID: roleID)
                    directory.invitedToOrganization(emails, created: created)
                    return created
                } catch {
                    if !isRefusal(error) { directory.forget([.users, .invites]) }
                    throw error
                }
            }
        )
    }

    /// A 4xx: the vendor refused and changed nothing; anything else may have been applied.
    static func isRefusal(_ error: any Error) -> Bool {
        guard let status = (error as? VendorError)?.status else { return false }
        return (400..<500).contains(status)
    }
}

// MARK: - Project invitations through the batcher

extension ConfidentAIStepRun {
    /// Project access for an organization member through the project ``InviteBatcher``: the
    /// `emails[]` call is shared with the other jobs inviting to `project` with the same role;
    /// this job changes a member's role itself and audits and checkpoints its own result
    /// (replaced invitations, the invitation).
    ///
    /// The batch decides from the directory's roles, members and invitations of the project: this
    /// job loads them with its own freshness before joining.
    ///
    /// The batch key is the project and the role: every address of one call gets the same
    /// `projectRoleId` (the role's name resolves to exactly one id in the project).
    ///
    /// - Returns: A PII-free summary.
    mutating func inviteToProjectThroughBatch(
        _ project: ConfidentAIProject,
        role roleName: String,
        batcher: InviteBatcher<ConfidentAIBatchItem, ConfidentAIProjectInviteItemOutcome>
    ) async throws -> String {
        let projectID = project.id
        _ = try await projectRole(named: roleName, in: projectID)
        _ = try await projectMembers(of: projectID)
        _ = try await projectInvitations(of: projectID)
        let (client, directory, startedAt) = (self.client, self.directory, self.startedAt)
        let key = "project-invitations:\(projectID):\(roleName.lowercased())"
        let item = ConfidentAIBatchItem(email: email, notBefore: notBefore)
        let outcome = try await batcher.submit(item, key: key) { items in
            await Self.flushProjectInvitations(
                items,
                projectID: projectID,
                roleName: roleName,
                client: client,
                directory: directory,
                startedAt: startedAt
            )
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

    /// One project batch, decided from the directory's listings when they are recent enough for
    /// every item; deletions and the calls update the directory (or, an answer lost, make it
    /// forget).
    static func flushProjectInvitations(
        _ items: [ConfidentAIBatchItem],
        projectID: String,
        roleName: String,
        client: ConfidentAIClient,
        directory: ConfidentAIDirectory,
        startedAt: Date
    ) async -> [Result<ConfidentAIProjectInviteItemOutcome, any Error>] {
        let floor = ConfidentAIBatchItem.latest(items.map(\.notBefore))
        return await client.inviteToProject(
            items: items.map(\.email),
            projectID: projectID,
            lookUp: {
                let role = try await projectRole(
                    named: roleName,
                    in: projectID,
                    client: client,
                    directory: directory,
                    listedAfter: startedAt
                )
                let members = try await directory.members(of: projectID, notBefore: floor, using: client)
                let invitations = try await directory.invitations(of: projectID, notBefore: floor, using: client)
                return (role, members.items, invitations.items)
            },
            deleted: { id in directory.deletedProjectInvitation(id: id, in: projectID) },
            invite: { emails, roleID in
                do {
                    let created = try await client.inviteToProject(projectID: projectID, emails: emails, roleID: roleID)
                    directory.invitedToProject(projectID, emails, created: created)
                    return created
                } catch {
                    if !isRefusal(error) { directory.forget([.members(projectID), .projectInvites(projectID)]) }
                    throw error
                }
            }
        )
    }
}
