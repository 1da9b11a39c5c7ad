import Foundation
import RosterCore
import RosterTesting
import RosterVendors

/// PostHog's organization API against ``FakePostHogServer``.
///
/// Vendor rules encoded here:
/// - Access is per organization (levels 1 member, 8 admin, 15 owner) and opens every project
///   except private ones (``PostHogConnector`` docs). Per-project access exists only on private
///   projects, so every project the suite uses is seeded private (a project-wide access-control
///   record `"none"`; PostHog/posthog `posthog/models/organization.py`,
///   `organization_has_private_projects`), and ``reachable(_:)`` lists private projects only:
///   an open project is reachable by every member at their organization level, whatever
///   Roster granted.
/// - A member's access to a private project is an access-control record with the membership
///   id (`"member"`/`"admin"`; PostHog/posthog `ee/models/rbac/access_control.py`); an invite
///   carries it as `private_project_access` and it becomes such a record on acceptance
///   (`posthog/models/organization_invite.py`, `use`).
/// - Step roles are levels by name: `member` and `admin`; a level maps to the project access
///   level of the same name (``PostHogConnector`` docs).
/// - Invites are organization invites: a member is never invited again, they get access-control
///   records (the fake refuses an invite for a member, as PostHog does): so a member cannot hold
///   a pending invite to another project.
/// - A project the connector creates is open (``PostHogConnector`` docs, "new projects are
///   open"), where per-project access cannot show: the crash-window scenario seeds its project.
/// - Personal API keys cannot be revoked through the organization API; they lose this
///   organization with the membership (``PostHogConnector`` docs, `revoke_api_keys`). A key
///   counts as a leftover only while its owner is still a member.
/// - 429s also come in PostHog's own shape: a throttle detail "Expected available in N
///   seconds" without `Retry-After` (drf-exceptions-hog before 0.4.0; the fake's
///   `sendsRetryAfter`).
struct PostHogConformance: ConformanceVendor {
    let server: FakePostHogServer
    let connector: any VendorConnector
    let transport: any VendorTransport
    var fake: any FakeVendorServer { server }
    var instance: String { connector.instance }

    let plainRole = "member"
    let strongerRole = "admin"
    let capabilities = ConformanceCapabilities(
        removesPerProjectAccess: true,
        memberCanHoldPendingProjectInvite: false,
        offboardingLeaves: [],
        crashWindowsNeedSeededProject: true
    )

    var ownRateLimitShapes: [RateLimitShape] {
        [
            RateLimitShape(
                name: "429 throttled, seconds only in the detail",
                retryAfter: 2,
                expectedWait: .seconds(2),
                prepare: { vendor in
                    guard let posthog = vendor as? PostHogConformance else { return }
                    var options = posthog.server.snapshot.options
                    options.sendsRetryAfter = false
                    posthog.server.setOptions(options)
                }
            )
        ]
    }

    static func start() async throws -> PostHogConformance {
        let server = FakePostHogServer()
        let baseURL = try await server.start().absoluteString
        let transport = HTTPVendorTransport(
            configuration: .init(baseURL: baseURL, authentication: .bearer(server.personalAPIKey))
        )
        let connector = PostHogConnector(instance: "posthog", organizationID: server.organizationID, baseURL: baseURL)
        return PostHogConformance(server: server, connector: connector, transport: transport)
    }

    func stop() async { await server.stop() }

    func seedProject(_ name: String) throws {
        server.addProject(name: name, isPrivate: true)
    }

    func reachable(_ email: String) -> [String: String] {
        let state = server.snapshot
        var access: [String: String] = [:]
        func privateName(_ projectID: Int) -> String? {
            state.isPrivate(projectID: projectID) ? state.project(id: projectID)?.name : nil
        }
        for invite in state.invites(email: email) where !invite.isExpired {
            for grant in invite.privateProjectAccess where grant.level != "none" {
                if let project = privateName(grant.projectID) { access[project] = grant.level }
            }
        }
        if let member = state.member(email: email) {
            for control in state.accessControls
            where control.organizationMemberID == member.id && control.accessLevel != "none" {
                if let project = privateName(control.projectID) { access[project] = control.accessLevel }
            }
        }
        return access
    }

    func leftovers(_ email: String) -> [Leftover] {
        let state = server.snapshot
        var found: [Leftover] = state.invites(email: email).map {
            Leftover(.pendingInvite, "\($0.id)\($0.isExpired ? ", expired" : "")")
        }
        guard let member = state.member(email: email) else { return found }
        found.append(Leftover(.organizationMembership, "\(member.user.uuid) at level \(member.level)"))
        for control in state.accessControls where control.organizationMemberID == member.id {
            found.append(Leftover(.projectMembership, "project \(control.projectID) as \(control.accessLevel)"))
        }
        for key in state.personalAPIKeys(userUUID: member.user.uuid) {
            found.append(Leftover(.apiKey, key.id))
        }
        return found
    }

    func accept(_ email: String) throws {
        guard server.invites(email: email).contains(where: { !$0.isExpired }) else { return }
        try server.acceptInvite(email: email)
    }

    func seedAPIKey(for email: String) throws -> Bool {
        guard let member = server.member(email: email) else { return false }
        server.addPersonalAPIKey(userUUID: member.user.uuid, label: "personal")
        return true
    }

    /// Every method but GET changes state (REST).
    func isMutation(_ call: FakeCall) -> Bool { call.isMutation }
}
