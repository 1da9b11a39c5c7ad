import Foundation
import RosterCore

// MARK: - Inventory (reconciliation)

extension ConfidentAIConnector: InventoryReading {
    /// `nil`: nothing public settles it. Confident AI's invitations carry `status` and
    /// `created_at` but no expiry, and its API reference (confident-ai/confident-docs
    /// `fern/openapi.yaml`, schemas `Invitation` and `ProjectInvitation`) states no validity period.
    public var inviteValidity: Duration? { nil }

    /// The role of a project member listed without one: never a grant's.
    static let unknownRole = "unknown"

    /// What Confident AI's API cannot show (no personal data).
    static let inventoryUnlisted = [
        "API keys: Confident AI keys belong to projects or the organization, not people (no owner is listed)"
    ]

    /// Everything the organization holds now, read through the connector's ``ConfidentAIDirectory``
    /// so that reconciliation and the jobs' steps share listings:
    ///
    /// - **members**: every organization member (all pages), with the organization role's name.
    ///   The organization Owner is not removable, nor are their project memberships: "The
    ///   organization Owner cannot be removed" (confident-ai/confident-docs `fern/openapi.yaml`,
    ///   `DELETE /v1/organization/members/{userId}`), and Roster never transfers ownership.
    /// - **invites**: pending organization invitations (id as listed) and pending project
    ///   invitations (id `project:<projectId>:<id>`, as Roster's checkpoints name them: the two
    ///   kinds number their ids apart), with `created_at`.
    /// - **memberships**: every project's members with the project role's name (the
    ///   organization's own vocabulary, as grants name roles); ``unknownRole`` when none is listed.
    /// - **keys**: none (see ``inventoryUnlisted``).
    ///
    /// Every listing used started at or after `request.notBefore`. Records Confident AI returns
    /// that Roster cannot decode are counted in ``VendorInventory/unreadable``, never fatal.
    ///
    /// Cost on an empty directory: one request for the projects, one per 100 organization
    /// members, one for the organization's invitations, then per project one per 100 members and
    /// one for its invitations (3 for an organization without projects).
    ///
    /// - Throws: ``VendorError`` when a listing fails.
    public func inventory(_ request: InventoryRequest) async throws -> VendorInventory {
        let client = ConfidentAIClient(transport: request.transport)
        let floor = request.notBefore
        let projects = try await directory.projects(notBefore: floor, using: client)
        let members = try await directory.members(notBefore: floor, using: client)
        let invitations = try await directory.invitations(notBefore: floor, using: client)

        var inventory = VendorInventory(vendor: instance, unlisted: Self.inventoryUnlisted)
        inventory.unreadable = projects.unreadable.count + members.unreadable.count + invitations.unreadable.count
        inventory.members = members.items.map {
            .init(
                id: $0.id, email: $0.email, role: $0.organizationRole?.name,
                removable: $0.organizationRole?.isOwner != true)
        }
        let owners = Set(members.items.filter { $0.organizationRole?.isOwner == true }.map(\.id))
        inventory.invites = invitations.items.filter(\.isPending).map { Self.invite($0, id: $0.id) }
        for project in projects.items {
            let projectMembers = try await directory.members(of: project.id, notBefore: floor, using: client)
            let projectInvitations = try await directory.invitations(of: project.id, notBefore: floor, using: client)
            inventory.unreadable += projectMembers.unreadable.count + projectInvitations.unreadable.count
            inventory.memberships += projectMembers.items.map {
                .init(
                    projectID: project.id, project: project.name, userID: $0.id, email: $0.email,
                    role: $0.projectRole?.name ?? Self.unknownRole, removable: !owners.contains($0.id))
            }
            inventory.invites += projectInvitations.items.filter(\.isPending).map {
                Self.invite($0, id: "project:\(project.id):\($0.id)")
            }
        }
        inventory.logSummary(to: request.logger)
        return inventory
    }

    /// `invitation` as an inventory invite with `id`.
    private static func invite(_ invitation: ConfidentAIInvitation, id: String) -> VendorInventory.Invite {
        .init(id: id, email: invitation.email, createdAt: invitation.createdAt.flatMap(Timestamp.init(rfc3339:)))
    }
}
