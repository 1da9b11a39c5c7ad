import Foundation
import RosterCore
import RosterTesting
import RosterVendors

/// Confident AI's management API against ``FakeConfidentAIServer``.
///
/// Vendor rules encoded here:
/// - Authentication is the organization key in the `CONFIDENT_API_KEY` header
///   (``ConfidentAIClient/authentication(apiKey:)``).
/// - Project roles are names in Confident AI's vocabulary; the system ones are `Owner`,
///   `Manager`, `Member`, `Viewer` (the fake's assumed names, ``FakeConfidentAIState``): the
///   suite uses `Member` and `Manager`.
/// - A person must be an organization member before a project invitation can be sent: a new
///   person's `ensure_access` sends the organization invitation and throws
///   ``AwaitingAcceptance`` (``ConfidentAIConnector`` docs); ``accept(_:)`` accepts the
///   organization invitation first, then the project ones, as the fake requires.
/// - Project invitations are per project, so a member can hold a pending one to another project.
/// - API keys belong to projects, not people (``ConfidentAIConnector`` docs, `revoke_api_keys`):
///   there is no personal key to seed or leave behind.
struct ConfidentAIConformance: ConformanceVendor {
    let server: FakeConfidentAIServer
    let connector: any VendorConnector
    let transport: any VendorTransport
    var fake: any FakeVendorServer { server }
    var instance: String { connector.instance }

    let plainRole = "Member"
    let strongerRole = "Manager"
    let capabilities = ConformanceCapabilities(
        removesPerProjectAccess: true,
        memberCanHoldPendingProjectInvite: true,
        offboardingLeaves: []
    )

    static func start() async throws -> ConfidentAIConformance {
        let server = FakeConfidentAIServer()
        let baseURL = try await server.start()
        let transport = HTTPVendorTransport(
            configuration: .init(
                baseURL: baseURL.absoluteString,
                authentication: ConfidentAIClient.authentication(apiKey: server.apiKey),
                requestTimeout: .seconds(10)
            )
        )
        return ConfidentAIConformance(
            server: server, connector: ConfidentAIConnector(instance: "confident"), transport: transport)
    }

    func stop() async { await server.stop() }

    func seedProject(_ name: String) throws {
        try server.addProject(name: name)
    }

    func reachable(_ email: String) -> [String: String] {
        let state = server.snapshot
        var access: [String: String] = [:]
        for invitation in state.pendingInvitations(email: email) {
            guard let projectID = invitation.projectID, let project = state.project(id: projectID) else { continue }
            access[project.name] =
                invitation.roleID.flatMap { state.projectRole(id: $0, in: projectID)?.name } ?? "Member"
        }
        if let member = state.member(email: email) {
            for membership in state.projectMembers where membership.userID == member.id {
                guard let project = state.project(id: membership.projectID) else { continue }
                access[project.name] = state.projectRole(id: membership.roleID, in: membership.projectID)?.name ?? "?"
            }
        }
        return access
    }

    func leftovers(_ email: String) -> [Leftover] {
        let state = server.snapshot
        var found: [Leftover] = state.pendingInvitations(email: email).map {
            Leftover(.pendingInvite, "\($0.id)" + ($0.projectID.map { " to \($0)" } ?? " to the organization"))
        }
        guard let member = state.member(email: email) else { return found }
        let role = state.organizationRole(id: member.roleID)?.name ?? "?"
        found.append(Leftover(.organizationMembership, "\(member.id) as \(role)"))
        for membership in state.projectMembers where membership.userID == member.id {
            found.append(Leftover(.projectMembership, membership.projectID))
        }
        return found
    }

    func accept(_ email: String) throws {
        let pending = server.pendingInvitations(email: email)
        if pending.contains(where: { $0.projectID == nil }) {
            try server.acceptInvitation(email: email, projectID: nil)
        }
        for projectID in Set(pending.compactMap(\.projectID)).sorted() {
            try server.acceptInvitation(email: email, projectID: projectID)
        }
    }

    func seedAPIKey(for email: String) throws -> Bool { false }

    /// Every method but GET changes state (REST).
    func isMutation(_ call: FakeCall) -> Bool { call.isMutation }
}
