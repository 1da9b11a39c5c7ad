import RosterCore
import RosterVendors

/// The read calls `roster doctor` makes to one vendor with its key, through the vendor's own
/// client, and the roles they reveal. Read-only: nothing is created or changed.
///
/// - OpenAI: `GET /organization/projects?limit=1`; roles are OpenAI's documented ones (project
///   `owner`/`member`, organization `owner`/`reader`).
/// - PostHog: `GET …/projects/?limit=1`; levels `member`, `admin` (and `owner`, which Roster
///   maps but cannot grant to an invitee).
/// - Confident AI: `GET /v1/organization/roles`, `GET /v1/projects`, then
///   `GET /v1/projects/{id}/roles` for every policy project that exists (or, when none does,
///   the first listed project): the organization's real role names.
/// - Relevance AI: `POST /projects/list` (one project); its five documented project roles.
struct VendorProbe {
    /// What the calls found.
    struct Result: Sendable {
        var rolesSource = "documented"
        /// The project roles (PostHog: organization levels) grants resolve against.
        var roles: [String]?
        var organizationRoles: [String]?
        /// Confident AI: project name → its roles, for the policy projects that exist.
        var projectRoles: [String: [String]] = [:]
        /// Confident AI: the project whose roles are ``roles`` (`nil`: none existed).
        var rolesProject: String?
    }

    let name: String
    let vendor: RosterConfiguration.Vendor
    let transport: any VendorTransport
    let apiKey: String
    /// Projects the policy names for this vendor.
    let policyProjects: [String]

    /// Makes the calls.
    ///
    /// - Throws: ``VendorError`` from the first call that fails.
    func run() async throws -> Result {
        switch vendor.kind {
        case .openai:
            _ = try await OpenAIAdminClient(transport: transport).listProjectsPage(limit: 1)
        case .posthog:
            let client = PostHogClient(
                transport: transport, organizationID: vendor.organizationID ?? "",
                basePath: PostHogClient.pathPrefix(ofBaseURL: vendor.baseURL)
            )
            _ = try await client.listProjectsPage(limit: 1)
        case .relevanceAI:
            let client = RelevanceAIClient(transport: transport, apiKey: apiKey)
            _ = try await client.listProjectsPage(page: 1, pageSize: 1, project: vendor.projectID ?? "")
        case .confidentAI:
            return try await confident()
        case .noop:
            break
        }
        return Self.documented(vendor.kind) ?? Result()
    }

    /// The documented, fixed roles of a vendor kind; `nil` for Confident AI, whose role names
    /// differ per organization and must be read.
    static func documented(_ kind: RosterConfiguration.Vendor.Kind) -> Result? {
        switch kind {
        case .openai: Result(roles: ["owner", "member"], organizationRoles: ["owner", "reader"])
        case .posthog: Result(roles: RoleMapping.vocabulary(of: .posthog))
        case .relevanceAI: Result(roles: ["admin", "editor", "operator", "viewer", "chat"])
        case .noop: Result(roles: RoleMapping.vocabulary(of: .noop))
        case .confidentAI: nil
        }
    }

    private func confident() async throws -> Result {
        let client = ConfidentAIClient(transport: transport)
        var result = Result(rolesSource: "vendor")
        result.organizationRoles = try await client.listOrganizationRoles().map(\.name)
        let projects = try await client.listProjects()
        for project in projects where policyProjects.contains(project.name) {
            let roles = try await client.listProjectRoles(projectID: project.id).map(\.name)
            result.projectRoles[project.name] = roles
            if result.roles == nil {
                result.roles = roles
                result.rolesProject = project.name
            }
        }
        if result.roles == nil, let first = projects.first {
            result.roles = try await client.listProjectRoles(projectID: first.id).map(\.name)
            result.rolesProject = first.name
        }
        return result
    }
}
