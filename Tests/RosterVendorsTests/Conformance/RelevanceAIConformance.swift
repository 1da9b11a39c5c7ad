import Foundation
import RosterCore
import RosterTesting
import RosterVendors

/// Relevance AI's project-controls API against ``FakeRelevanceAIServer``.
///
/// Vendor rules encoded here:
/// - The API key scopes nothing; the project named in the `Authorization` header scopes each
///   call, so the transport authenticates with `.none` and the connector needs the organization,
///   its home project and the key (``RelevanceAIConnector`` docs).
/// - Reads are `POST …/list` (`/auth/users/list`, `/auth/invite/list`, `…/keys/list`) besides
///   `GET /projects/list` (Relevance AI's OpenAPI, as the fake's router serves it): a path
///   ending in `/list` is a read whatever its method.
/// - Project roles by name: `viewer` and `editor` (actions `role:viewer`, `role:editor`;
///   ``RelevanceAIRole``).
/// - Invites are per project, but one for an address that already belongs to an organization
///   user is accepted at once (`email_status: "auto_accepted"`; the fake's
///   `FakeRelevanceAIState.createInvite`): a member never holds a pending invite to another project.
/// - There is no API to remove someone from the organization: an offboarding leaves an
///   organization user with no projects, and says so (``RelevanceAIConnector/organizationResidual``).
struct RelevanceAIConformance: ConformanceVendor {
    let server: FakeRelevanceAIServer
    let connector: any VendorConnector
    let transport: any VendorTransport
    var fake: any FakeVendorServer { server }
    var instance: String { connector.instance }

    let plainRole = "viewer"
    let strongerRole = "editor"
    let capabilities = ConformanceCapabilities(
        removesPerProjectAccess: true,
        memberCanHoldPendingProjectInvite: false,
        offboardingLeaves: [.organizationMembership]
    )

    static func start() async throws -> RelevanceAIConformance {
        let server = FakeRelevanceAIServer()
        let baseURL = try await server.start()
        let transport = HTTPVendorTransport(
            configuration: .init(baseURL: baseURL.absoluteString, authentication: .none, requestTimeout: .seconds(10))
        )
        let connector = RelevanceAIConnector(
            instance: "relevance",
            organizationID: server.organizationID,
            projectID: server.defaultProjectID,
            apiKey: server.apiKey
        )
        return RelevanceAIConformance(server: server, connector: connector, transport: transport)
    }

    func stop() async { await server.stop() }

    func seedProject(_ name: String) throws {
        server.addProject(name: name)
    }

    /// A role name from granted actions: `role:viewer` → `viewer`, `admin` → `admin`.
    private static func role(_ actions: [String: Bool]) -> String {
        actions.filter(\.value).keys.sorted().map { $0.hasPrefix("role:") ? String($0.dropFirst(5)) : $0 }
            .joined(separator: "+")
    }

    func reachable(_ email: String) -> [String: String] {
        let state = server.snapshot
        var access: [String: String] = [:]
        func name(_ projectID: String) -> String? { state.project(id: projectID)?.name }
        for invite in state.invites where invite.email.lowercased() == email.lowercased() {
            if let project = name(invite.projectID) { access[project] = Self.role(invite.actions) }
        }
        if let user = state.user(email: email) {
            for membership in state.memberships where membership.userID == user.id {
                if let project = name(membership.projectID) { access[project] = Self.role(membership.actions) }
            }
        }
        return access
    }

    func leftovers(_ email: String) -> [Leftover] {
        let state = server.snapshot
        var found: [Leftover] = state.invites.filter { $0.email.lowercased() == email.lowercased() }.map {
            Leftover(.pendingInvite, "\($0.code) to \($0.projectID)")
        }
        guard let user = state.user(email: email) else { return found }
        found.append(Leftover(.organizationMembership, "\(user.id) as \(state.organizationRole(of: user.id))"))
        for membership in state.memberships where membership.userID == user.id {
            found.append(Leftover(.projectMembership, "\(membership.projectID) as \(Self.role(membership.actions))"))
        }
        for key in state.apiKeys where key.userID == user.id {
            found.append(Leftover(.apiKey, "\(key.id) in \(key.projectID)"))
        }
        return found
    }

    func accept(_ email: String) throws {
        for invite in server.snapshot.invites where invite.email.lowercased() == email.lowercased() {
            try server.acceptInvite(email: email, projectID: invite.projectID)
        }
    }

    func seedAPIKey(for email: String) throws -> Bool {
        let state = server.snapshot
        guard let user = state.user(email: email),
            let membership = state.memberships.first(where: { $0.userID == user.id })
        else { return false }
        server.addAPIKey(userID: user.id, projectID: membership.projectID, label: "personal")
        return true
    }

    /// Relevance AI reads with `POST …/list`: only other non-GET calls change state.
    func isMutation(_ call: FakeCall) -> Bool {
        call.isMutation && !call.path.hasSuffix("/list")
    }
}
