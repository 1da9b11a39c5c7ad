import Foundation
import RosterCore

// MARK: - Inventory (reconciliation)

extension OpenAIConnector: InventoryReading {
    /// `nil`: OpenAI's invite listing carries each invite's own `expires_at` (openai/openai-openapi
    /// `openapi.json`, schema `Invite`), which reconciliation reads as ``VendorInventory/Invite/expiresAt``.
    /// OpenAI publishes no validity period apart from it.
    public var inviteValidity: Duration? { nil }

    /// What the inventory cannot show, for the evidence of every reconciliation (no personal data).
    static let inventoryUnlisted = [
        "Project access through OpenAI groups: not listed (Roster does not read "
            + "/organization/projects/{id}/groups); a group can give project access that no membership shows",
        "Archived projects: their memberships are not listed (OpenAI refuses to list an archived project's users, "
            + "and nothing in an archived project can be used)",
    ]

    /// Everything the organization holds now, read through the connector's ``OpenAIDirectory`` so
    /// that reconciliation and the jobs' steps share listings:
    ///
    /// - **members**: every organization user (`GET /organization/users`), with the organization
    ///   role (`owner`/`reader`). A user OpenAI lists without an address (the spec allows it) is
    ///   listed with an empty one, so reconciliation reports an account it knows no employee for.
    /// - **invites**: pending ones (`GET /organization/invites` also lists accepted and expired
    ///   ones), with `created_at` and `expires_at`.
    /// - **memberships**: the users of every *active* project, with the project role
    ///   (`member`/`owner`, the vocabulary of Roster's grants). Archived projects are skipped: they
    ///   grant nothing usable (OpenAI refuses to use or update them, and to list their users).
    /// - **keys**: every user-owned API key of every project (`owner_project_access=any`, so keys
    ///   whose owner lost access are listed too), with the owner's id and address. Keys of archived
    ///   projects are listed as not removable (OpenAI will not delete them, as the offboarding's
    ///   `revoke_api_keys` reports); an archived project whose keys OpenAI refuses to list (400)
    ///   has none. Service-account keys belong to no person and are left out. Keys are not in the
    ///   directory (steps list them anew each time too): they are always listed after `notBefore`.
    ///
    /// Every listing used started at or after `request.notBefore`. Records OpenAI returns that
    /// Roster cannot decode are counted in ``VendorInventory/unreadable``, never fatal.
    ///
    /// Cost on an empty directory: one request per 100 projects, users and invites, then per active
    /// project one per 100 members, and per project one per 100 keys (5 for an organization with
    /// only its default project).
    ///
    /// - Throws: ``VendorError`` when a listing fails.
    public func inventory(_ request: InventoryRequest) async throws -> VendorInventory {
        let client = client(over: request.transport, logger: request.logger)
        let floor = request.notBefore
        let projects = try await directory.projects(notBefore: floor, using: client)
        let users = try await directory.users(notBefore: floor, using: client)
        let invites = try await directory.invites(notBefore: floor, using: client)

        var inventory = VendorInventory(vendor: instance, unlisted: Self.inventoryUnlisted)
        inventory.unreadable = projects.unreadable.count + users.unreadable.count + invites.unreadable.count
        inventory.members = users.items.map { .init(id: $0.id, email: $0.email ?? "", role: $0.role) }
        inventory.invites = invites.items.filter(\.isPending).map { invite in
            .init(
                id: invite.id, email: invite.email,
                createdAt: invite.createdAt.map(Self.timestamp), expiresAt: invite.expiresAt.map(Self.timestamp)
            )
        }
        for project in projects.items {
            if !project.isArchived {
                let members = try await directory.members(of: project.id, notBefore: floor, using: client)
                inventory.unreadable += members.unreadable.count
                inventory.memberships += members.items.map {
                    .init(
                        projectID: project.id, project: project.name ?? "", userID: $0.id, email: $0.email,
                        role: $0.role)
                }
            }
            guard let keys = try await Self.keys(of: project, using: client) else { continue }
            inventory.unreadable += keys.unreadable.count
            inventory.keys += keys.items.compactMap { key in
                guard key.owner?.type == .user, let owner = key.owner?.user else { return nil }
                return .init(
                    id: key.id, projectID: project.id, ownerID: owner.id, ownerEmail: owner.email,
                    removable: !project.isArchived)
            }
        }
        inventory.logSummary(to: request.logger)
        return inventory
    }

    /// The API keys of `project`; `nil` for an archived project whose keys OpenAI refuses to list
    /// (400, as for its users).
    private static func keys(
        of project: OpenAIProject, using client: OpenAIAdminClient
    ) async throws -> LenientList<OpenAIProjectAPIKey>? {
        do {
            return try await client.projectAPIKeyListing(projectID: project.id)
        } catch let error as VendorError where project.isArchived && error.status == 400 {
            return nil
        }
    }

    /// Unix seconds as a ``Timestamp``.
    private static func timestamp(_ seconds: Int64) -> Timestamp {
        Timestamp(microsecondsSince1970: seconds * 1_000_000)
    }
}
