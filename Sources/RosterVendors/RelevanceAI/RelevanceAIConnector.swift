import RosterCore

/// Runs Roster's steps against Relevance AI's project-controls API.
///
/// - `ensure_project`: lists projects, matches the name, creates it in ``organizationID`` when
///   missing.
/// - `ensure_access`: a user of the project (listed under that project's header) gets
///   `…/update` with `overwrite: true` when the role differs; otherwise a pending invite with the
///   same role is enough, one with another role is deleted and created again (Relevance AI
///   cannot change an invite's role), and without one an invite is created.
/// - `reconcile`: `ensure_access` for every grant; removal from, and invite revocation in, every
///   other project.
/// - `revoke_invites`: in every project, deletes the pending invites for the address.
/// - `revoke_api_keys`: in every project the user is in, lists their keys and deletes each.
/// - `remove_project_memberships`: `…/users/{id}/delete` once per project they are in, the
///   header switched per project.
/// - `remove_organization_membership`: no call (there is no API); the outcome's `residual` tells
///   the operator what to do.
///
/// Roles: `editor` → `role:editor`, `viewer` → `role:viewer`, `admin` → `admin`; raw action
/// names (`role:editor`, …) are accepted too. Anything else is a permanent error.
///
/// The API key scopes nothing, the project in the `Authorization` header scopes everything:
/// every call names its project, and calls that are not about one project (listing and
/// creating projects) use the configured ``defaultProjectID``. The transport in the
/// ``StepContext`` must therefore authenticate with ``VendorAuthentication/none`` (see
/// ``RelevanceAIClient``).
///
/// Checkpoints: `project_id`, `user_id`, `invite_code`, and the lists `deleted_invites`
/// (`<projectId>:<code>`), `deleted_keys` (key ids) and `removed_from` (project ids); projects
/// in `removed_from` are not listed again when a step resumes.
public struct RelevanceAIConnector: VendorConnector, CustomStringConvertible {
    /// What an operator must do about organization membership, which the API cannot remove.
    public static let organizationResidual =
        "Relevance AI has no API to remove someone from an organisation: deactivate the user in WorkOS "
        + "(Relevance AI's SSO/SCIM directory) or ask Relevance AI support; deactivation also disables their API keys"

    /// The configured instance name.
    public let instance: String
    /// The organization projects are created in.
    public let organizationID: String
    /// The project whose header authenticates account-wide calls (listing and creating projects).
    public let defaultProjectID: String
    private let apiKey: String

    /// - Parameters:
    ///   - instance: The configured instance name (`relevance`).
    ///   - organizationID: The configured `organization_id`.
    ///   - projectID: The configured default `project_id`.
    ///   - apiKey: The API key (from the environment variable the configuration names).
    public init(instance: String, organizationID: String, projectID: String, apiKey: String) {
        self.instance = instance
        self.organizationID = organizationID
        self.defaultProjectID = projectID
        self.apiKey = apiKey
    }

    public var description: String { "RelevanceAIConnector(\(instance), key ****)" }

    public func run(_ step: VendorStep, for employee: Employee, context: StepContext) async throws -> StepOutcome {
        var run = RelevanceAIStepRun(
            client: RelevanceAIClient(transport: context.transport, apiKey: apiKey),
            context: context,
            email: employee.email,
            organizationID: organizationID,
            defaultProjectID: defaultProjectID
        )
        switch step.action {
        case .ensureProject:
            return try await run.ensureProject(named: try Self.project(of: step))
        case .ensureAccess:
            return try await run.ensureAccess(project: try Self.project(of: step), role: try Self.role(step.role))
        case .reconcile:
            let grants = try (step.grants ?? []).filter { $0.vendor == step.vendor }.map { grant in
                (project: grant.project, role: try Self.role(grant.role))
            }
            return try await run.reconcile(grants)
        case .revokeInvites:
            return try await run.revokeInvites()
        case .revokeAPIKeys:
            return try await run.revokeAPIKeys()
        case .removeProjectMemberships:
            return try await run.removeProjectMemberships()
        case .removeOrganizationMembership:
            return StepOutcome(
                summary: "organisation membership left in place (no API)",
                residual: Self.organizationResidual
            )
        }
    }

    /// The role a grant names; `viewer` when it names none.
    static func role(_ name: String?) throws -> RelevanceAIRole {
        guard let name else { return .viewer }
        guard let role = RelevanceAIRole(name: name) else {
            throw RelevanceAIStepRun.refusal("unknown Relevance AI role '\(name)': use editor, viewer or admin")
        }
        return role
    }

    static func project(of step: VendorStep) throws -> String {
        guard let project = step.project, !project.isEmpty else {
            throw RelevanceAIStepRun.refusal("\(step.name) needs a project")
        }
        return project
    }
}
