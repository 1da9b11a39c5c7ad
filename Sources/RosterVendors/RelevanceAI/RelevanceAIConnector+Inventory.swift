import Foundation
import RosterCore

// MARK: - Inventory (reconciliation)

extension RelevanceAIConnector: InventoryReading {
    /// `nil`: nothing public settles it. Relevance AI's invite listing (the vendor's OpenAPI,
    /// `ListProjectInvitesOutput`: `_id`, `user_id`, `permissions`, `email`, `project`) carries no
    /// creation or expiry time, and its documentation (RelevanceAI/relevance-docs
    /// `admin/project-management/add-members.mdx`) states no validity period.
    public var inviteValidity: Duration? { nil }

    /// The role of a membership whose permissions name no role Roster knows: never a grant's.
    static let unknownRole = "unknown"

    /// What Relevance AI's API cannot show (no personal data).
    static let inventoryUnlisted = [
        "Organisation members: Relevance AI lists users per project, so someone in the organisation but in no "
            + "project is not seen (the organisation user listing's shape is undocumented)",
        "Invites: Relevance AI lists no creation or expiry time, so a stale invite cannot be told from a new one",
    ]

    /// Everything the account holds now, read through the connector's ``RelevanceAIDirectory`` so
    /// that reconciliation and the jobs' steps share listings. Relevance AI scopes users and
    /// invites by project (the project in the `Authorization` header), so:
    ///
    /// - **memberships**: every user each project's `POST /auth/users/list` shows, with the role
    ///   there by name (`admin`, `editor`, `operator`, `viewer`, `chat`, as grants name them): the
    ///   explicit one, else the effective `role_context.role` (organisation admins and owners are
    ///   listed in every project with an inherited role); ``unknownRole`` when neither says. An
    ///   organisation owner's memberships are not removable (owners keep every project, and Roster
    ///   does not demote them: the offboarding reports them as residual).
    /// - **members**: every user seen in any project, once, with the organisation role
    ///   (`owner`, `admin`, `operator`, `viewer`) when the listing gives it; never removable
    ///   (Relevance AI has no API to remove organisation membership, see
    ///   ``RelevanceAIConnector/organizationResidual``).
    /// - **invites**: every project's pending invites by listed `_id`; an invite made by user id
    ///   takes the address of the user listed with that id.
    /// - **keys**: each listed user's keys in each project (`POST /auth/users/{id}/keys/list`,
    ///   one call per user per project); keys are not in the directory (steps list them anew too),
    ///   so they are always listed after `notBefore`.
    ///
    /// Every listing used started at or after `request.notBefore`. Records Relevance AI returns
    /// that Roster cannot decode are counted in ``VendorInventory/unreadable``, never fatal.
    ///
    /// Cost on an empty directory: one request per 100 projects, then per project one per 100
    /// users, one for its invites, and one per listed user for their keys (3 for an account with
    /// only the key's home project and nobody in it).
    ///
    /// - Throws: ``VendorError`` when a listing fails.
    public func inventory(_ request: InventoryRequest) async throws -> VendorInventory {
        let client = client(over: request.transport)
        let floor = request.notBefore
        let projects = try await directory.projects(notBefore: floor, home: defaultProjectID, using: client)

        var inventory = VendorInventory(vendor: instance, unlisted: Self.inventoryUnlisted)
        inventory.unreadable = projects.unreadable.count
        var members: [VendorInventory.Member] = []
        var addresses: [String: String] = [:]  // user id → address, of the users seen
        var invites: [RelevanceAIInvite] = []
        for project in projects.items {
            let users = try await directory.users(of: project.id, notBefore: floor, using: client)
            let pending = try await directory.invites(in: project.id, notBefore: floor, using: client)
            inventory.unreadable += users.unreadable.count + pending.unreadable.count
            invites += pending.items
            for user in users.items {
                if addresses.updateValue(user.email, forKey: user.id) == nil {
                    members.append(
                        .init(
                            id: user.id, email: user.email, role: user.organizationRole(in: organizationID),
                            removable: false))
                }
                inventory.memberships.append(
                    .init(
                        projectID: project.id, project: project.name, userID: user.id, email: user.email,
                        role: user.role(in: project.id)?.name ?? Self.unknownRole,
                        removable: user.organizationRole(in: organizationID) != "owner",
                        // No project role of its own: the organisation role gives it.
                        implied: user.role(in: project.id) == nil))
                let keys = try await client.apiKeyListing(userID: user.id, project: project.id)
                inventory.unreadable += keys.unreadable.count
                inventory.keys += keys.keys.map {
                    .init(id: $0.id, projectID: project.id, ownerID: user.id, ownerEmail: user.email)
                }
            }
        }
        inventory.members = members
        inventory.invites = invites.map { invite in
            let byID = invite.userID.flatMap { addresses[$0] }
            return .init(id: invite.id, email: invite.email.isEmpty ? byID ?? "" : invite.email)
        }
        inventory.logSummary(to: request.logger)
        return inventory
    }
}
