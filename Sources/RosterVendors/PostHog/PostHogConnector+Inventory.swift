import Foundation
import RosterCore

// MARK: - Inventory (reconciliation)

extension PostHogConnector: InventoryReading {
    /// Three days: PostHog/posthog `posthog/constants.py` (`INVITE_DAYS_VALIDITY = 3`, "number of
    /// days for which team invites are valid"), applied by `OrganizationInvite.is_expired()` in
    /// `posthog/models/organization_invite.py` (`created_at < now - INVITE_DAYS_VALIDITY days`).
    /// The listing says `is_expired` but carries no expiry time; expired invites are left out of
    /// the inventory, and this lets reconciliation judge the rest by `created_at`.
    public var inviteValidity: Duration? { .seconds(3 * 86_400) }

    /// What PostHog's API cannot show whatever the organization (no personal data).
    static let inventoryUnlisted = [
        "API keys: PostHog does not list other users' personal API keys (a member's scoped_api_keys gives only "
            + "labels and last use, no ids); a personal key stops working in this organization with the membership"
    ]

    /// Everything the organization holds now, read through the connector's ``PostHogDirectory`` so
    /// that reconciliation and the jobs' steps share listings:
    ///
    /// - **members**: every organization membership (`GET /members/`), by user UUID (the id in
    ///   member URLs), with the level as Roster's grants name it (`member`, `admin`, `owner`). An
    ///   owner's membership, and the project access that comes with it, is not removable: PostHog
    ///   refuses to remove an owner ("Cannot leave the organization as its owner!", PostHog/posthog
    ///   `posthog/models/user.py`, `User.leave`), and Roster does not demote owners.
    /// - **invites**: the invites not yet expired (`GET /invites/` lists expired ones too), with
    ///   `created_at` (see ``inviteValidity``).
    /// - **memberships**: PostHog grants projects through the organization, so a membership here
    ///   is *access*, with the member's level as its role (grants name levels): every member has
    ///   every open project; a private project (a project-wide access-control record `none`) is
    ///   had by organization admins and owners ("Org admins always have highest access",
    ///   PostHog/posthog `posthog/rbac/user_access_control.py`) and by members whose own record
    ///   grants `member` or `admin`. Each project's access controls are read through the
    ///   directory (one call per project not held). A project whose access controls cannot be read
    ///   (403/404) is treated as open, as steps do; a legacy private project (the deprecated
    ///   `access_control` flag) has explicit members Roster does not read: neither is left silent
    ///   (``VendorInventory/unlisted`` says how many).
    /// - **keys**: none (see ``inventoryUnlisted``).
    ///
    /// Every listing used started at or after `request.notBefore`. Records PostHog returns that
    /// Roster cannot decode (projects, members, invites, access-control records) are counted in
    /// ``VendorInventory/unreadable``, never fatal.
    ///
    /// Cost on an empty directory: one request per 100 projects, members and invites, then one per
    /// project that is not legacy-private (its access controls): 4 for an organization with one
    /// project.
    ///
    /// - Throws: ``VendorError`` when a listing fails.
    public func inventory(_ request: InventoryRequest) async throws -> VendorInventory {
        let client = client(over: request.transport, logger: request.logger)
        let floor = request.notBefore
        let projects = try await directory.projects(notBefore: floor, using: client)
        let members = try await directory.members(notBefore: floor, using: client)
        let invites = try await directory.invites(notBefore: floor, using: client)

        var inventory = VendorInventory(vendor: instance, unlisted: Self.inventoryUnlisted)
        inventory.unreadable = projects.unreadable.count + members.unreadable.count + invites.unreadable.count
        inventory.members = members.items.map {
            .init(id: $0.user.uuid, email: $0.user.email, role: $0.level.description, removable: $0.level != .owner)
        }
        inventory.invites = invites.items.filter { !$0.isExpired }.map { invite in
            .init(
                id: invite.id, email: invite.targetEmail, createdAt: invite.createdAt.flatMap(Timestamp.init(rfc3339:)))
        }
        var blind = ProjectBlindSpots()
        for project in projects.items {
            guard project.accessControl != true else {
                blind.legacy += 1
                continue
            }
            let controls = try await directory.accessControls(of: project.id, notBefore: floor, using: client)
            if controls == nil { blind.unknown += 1 }
            inventory.unreadable += controls?.accessControls.unreadable.count ?? 0
            if let controls, controls.makePrivate, controls.accessControls.items.contains(where: { $0.role != nil }) {
                blind.roles += 1
            }
            let name = project.name ?? ""
            for member in members.items where Self.member(member, canSee: controls) {
                inventory.memberships.append(
                    .init(
                        projectID: String(project.id), project: name, userID: member.user.uuid,
                        email: member.user.email, role: member.level.description, removable: member.level != .owner,
                        implied: Self.accessIsImplied(for: member, controls: controls)))
            }
        }
        inventory.unlisted += blind.sentences
        inventory.logSummary(to: request.logger)
        return inventory
    }

    /// Whether `member` has access to a project with access controls `controls` (`nil`: they
    /// could not be read, the project is taken as open): every member when the project is open;
    /// when it is private, organization admins and owners, and members whose own record grants
    /// more than `none`.
    static func member(_ member: PostHogMember, canSee controls: PostHogAccessControls?) -> Bool {
        guard let controls, controls.makePrivate else { return true }
        if member.level >= .admin { return true }
        guard let level = controls.level(ofMember: member.id) else { return false }
        return level > .none
    }

    /// Whether `member`'s access to a project comes with their organisation membership (an open
    /// project, or an organisation admin or owner in a private one) rather than a record of its own.
    static func accessIsImplied(for member: PostHogMember, controls: PostHogAccessControls?) -> Bool {
        guard let controls, controls.makePrivate else { return true }
        return member.level >= .admin && (controls.level(ofMember: member.id) ?? .none) <= .none
    }

    /// Projects whose memberships the inventory could not fully see, by kind.
    private struct ProjectBlindSpots {
        /// Legacy private projects (the deprecated flag): explicit members not read.
        var legacy = 0
        /// Projects whose access controls could not be read: taken as open.
        var unknown = 0
        /// Projects with access-control records for roles: role members not read.
        var roles = 0

        /// What to add to ``VendorInventory/unlisted``.
        var sentences: [String] {
            var sentences: [String] = []
            if legacy > 0 {
                sentences.append(
                    "Project memberships of \(legacy) legacy private project(s) (the deprecated access_control flag): "
                        + "their explicit members are not read, so nobody is listed there")
            }
            if unknown > 0 {
                sentences.append(
                    "Project memberships of \(unknown) project(s) whose access controls could not be read (the key "
                        + "needs access_control:read): every member is listed there, as if the projects were open")
            }
            if roles > 0 {
                sentences.append(
                    "Access to \(roles) project(s) through PostHog roles: not resolved (role members are not read)")
            }
            return sentences
        }
    }
}
