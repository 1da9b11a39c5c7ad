import Foundation
import RosterCore
import RosterTesting
import RosterVendors

/// OpenAI's organization Admin API against ``FakeOpenAIServer``.
///
/// Vendor rules encoded here:
/// - Project roles are `member` and `owner` (Admin API project users; ``OpenAIConnector`` docs,
///   "a step's role is a project role, `member` (the default) or `owner`").
/// - One pending invite per address, at organization level, carrying its projects; an existing
///   member is added to a project directly, never invited (``OpenAIConnector`` docs, "One invite
///   per address"; the fake's `rejectInviteForExistingMember`): so a member cannot hold a
///   pending invite to another project.
/// - An invite without `projects` joins the default project on acceptance (the fake's
///   `acceptInvite`, after OpenAI's documented default).
/// - API keys are per project and owned by a user or a service account; a user's key outlives
///   their membership unless deleted (``FakeOpenAIState/APIKey``), so it counts as a leftover.
struct OpenAIConformance: ConformanceVendor {
    let server: FakeOpenAIServer
    let connector: any VendorConnector
    let transport: any VendorTransport
    var fake: any FakeVendorServer { server }
    var instance: String { connector.instance }

    let plainRole = "member"
    let strongerRole = "owner"
    let capabilities = ConformanceCapabilities(
        removesPerProjectAccess: true,
        memberCanHoldPendingProjectInvite: false,
        offboardingLeaves: []
    )

    static func start() async throws -> OpenAIConformance {
        let server = FakeOpenAIServer()
        let baseURL = try await server.start()
        let transport = HTTPVendorTransport(
            configuration: .init(baseURL: baseURL.absoluteString, authentication: .bearer(server.adminKey))
        )
        return OpenAIConformance(server: server, connector: OpenAIConnector(instance: "openai"), transport: transport)
    }

    func stop() async { await server.stop() }

    func seedProject(_ name: String) throws {
        server.addProject(name: name)
    }

    func reachable(_ email: String) -> [String: String] {
        let state = server.snapshot
        var access: [String: String] = [:]
        func name(_ projectID: String) -> String? {
            state.project(id: projectID).flatMap { $0.isArchived ? nil : $0.name }
        }
        for invite in state.invites(email: email) where invite.status == .pending {
            for grant in invite.projects ?? [.init(projectID: state.defaultProjectID, role: "member")] {
                if let project = name(grant.projectID) { access[project] = grant.role }
            }
        }
        if let user = state.user(email: email) {
            for membership in state.memberships where membership.userID == user.id {
                if let project = name(membership.projectID) { access[project] = membership.role }
            }
        }
        return access
    }

    func leftovers(_ email: String) -> [Leftover] {
        let state = server.snapshot
        var found: [Leftover] = []
        for invite in state.invites(email: email) where invite.status == .pending {
            found.append(Leftover(.pendingInvite, invite.id))
        }
        guard let user = state.user(email: email) else { return found }
        found.append(Leftover(.organizationMembership, "\(user.id) as \(user.role)"))
        for membership in state.memberships where membership.userID == user.id {
            found.append(Leftover(.projectMembership, "\(membership.projectID) as \(membership.role)"))
        }
        for key in state.apiKeys where key.ownerUserID == user.id {
            found.append(Leftover(.apiKey, "\(key.id) in \(key.projectID)"))
        }
        return found
    }

    func accept(_ email: String) throws {
        guard server.snapshot.invites(email: email).contains(where: { $0.status == .pending }) else { return }
        try server.acceptInvite(email: email)
    }

    func seedAPIKey(for email: String) throws -> Bool {
        let state = server.snapshot
        guard let user = state.user(email: email),
            let membership = state.memberships.first(where: { $0.userID == user.id })
        else { return false }
        try server.addAPIKey(projectID: membership.projectID, name: "personal", ownerUserID: user.id)
        return true
    }

    /// Every method but GET changes state (REST).
    func isMutation(_ call: FakeCall) -> Bool { call.isMutation }
}
