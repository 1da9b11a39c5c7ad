import Foundation
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
///   other project. A grant for another vendor instance is a permanent error (the step was
///   mis-planned; nothing is removed because of it).
/// - `revoke_invites`: in every project, deletes the pending invites for the address, then lists
///   again: an invite still listed (Relevance AI lists `_id` and deletes by `invite_code`, which
///   may differ) is the step's `residual`, never reported revoked.
/// - `revoke_api_keys`: in every project the user is in, lists their keys and deletes each.
/// - `remove_project_memberships`: an organisation admin is first demoted to organisation member
///   (`POST /auth/organization/{org}/user/{id}/update`, `{admin: false, role: "operator"}`),
///   because an organisation admin keeps access after project removal; then
///   `…/users/{id}/delete` once per project they are in, the header switched per project.
/// - `remove_organization_membership`: no call (there is no API); the outcome's `residual` says
///   what is left: a member of the organisation with no projects.
///
/// Roles: `admin`, `editor`, `operator`, `viewer`, `chat` → `admin`, `role:editor`,
/// `role:operator`, `role:viewer`, `role:chat`; raw action names (`role:editor`, …) are
/// accepted too. Anything else is a permanent error. A user's current role is read from
/// `permissions.projects[<project>]` (explicit actions, else `role_context.role`), so an
/// unchanged role is not written again.
///
/// Listed records Roster cannot decode are skipped, logged by id and counted in the summary
/// (``UnreadableRecords``), unless one is about the employee or the step's project.
///
/// The API key scopes nothing, the project in the `Authorization` header scopes everything:
/// every call names its project, and calls that are not about one project (listing and
/// creating projects) use the configured ``defaultProjectID``. The transport in the
/// ``StepContext`` must therefore authenticate with ``VendorAuthentication/none`` (see
/// ``RelevanceAIClient``).
///
/// Reads go through the process's ``RelevanceAIDirectory`` (projects, and per project its users
/// and pending invites), with the freshness the engine asks for (``StepContext/freshness``).
///
/// Checkpoints: `project_id`, `user_id`, `invite_code`, `org_demoted` (the user made an
/// organisation member), and the lists `deleted_invites` (`<projectId>:<inviteId>`, only once a
/// listing no longer shows the invite), `deleted_keys` (key ids) and `removed_from` (project
/// ids); projects in `removed_from` are not listed again when a step resumes.
public struct RelevanceAIConnector: VendorConnector, CustomStringConvertible {
    /// What an operator must do about organization membership, which the API cannot remove.
    public static let organizationResidual =
        "left as a member of the Relevance AI organisation with no projects (an organisation admin was made a "
        + "member first): Relevance AI has no API to remove someone from an organisation, and removal from every "
        + "project is its documented way out; to close the account, deactivate the user in WorkOS (Relevance AI's "
        + "SSO/SCIM directory) or ask Relevance AI support; deactivation also disables their API keys"

    /// The configured instance name.
    public let instance: String
    /// The organization projects are created in.
    public let organizationID: String
    /// The project whose header authenticates account-wide calls (listing and creating projects).
    public let defaultProjectID: String
    private let apiKey: String
    /// What look-before-act reads, shared by every job of the process.
    let directory: RelevanceAIDirectory

    /// - Parameters:
    ///   - instance: The configured instance name (`relevance`).
    ///   - organizationID: The configured `organization_id`.
    ///   - projectID: The configured default `project_id`.
    ///   - apiKey: The API key (from the environment variable the configuration names).
    ///   - directoryTimeToLive: How long the directory believes a listing (seconds).
    ///   - now: The directory's clock (tests inject one).
    public init(
        instance: String,
        organizationID: String,
        projectID: String,
        apiKey: String,
        directoryTimeToLive: TimeInterval = 300,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.instance = instance
        self.organizationID = organizationID
        self.defaultProjectID = projectID
        self.apiKey = apiKey
        self.directory = RelevanceAIDirectory(timeToLive: directoryTimeToLive, now: now)
    }

    public var description: String { "RelevanceAIConnector(\(instance), key ****)" }

    public func run(_ step: VendorStep, for employee: Employee, context: StepContext) async throws -> StepOutcome {
        let unreadable = UnreadableRecords(email: employee.email, names: Set(step.projectNames))
        var run = RelevanceAIStepRun(
            client: client(over: context.transport, unreadable: unreadable),
            directory: directory,
            step: step,
            context: context,
            email: employee.email,
            organizationID: organizationID,
            defaultProjectID: defaultProjectID
        )
        var outcome = try await run.perform(directory: directory)
        if let note = unreadable.report(to: context.logger) {
            outcome.summary += "; " + note
        }
        return outcome
    }

    public var usesDirectory: Bool { true }

    /// The client a run (or an inventory) uses: over `transport`, with this connector's key, its
    /// unreadable records going to `unreadable`.
    func client(
        over transport: any VendorTransport, unreadable: UnreadableRecords = UnreadableRecords()
    ) -> RelevanceAIClient {
        RelevanceAIClient(transport: transport, apiKey: apiKey, unreadable: unreadable)
    }

    /// Engine hook: a granting step needs the project-creation lock only while a project it names
    /// is not known to exist.
    public func needsProjectCreationLock(for step: VendorStep) -> Bool {
        step.projectNames.contains { directory.heldProject(named: $0) == nil }
    }

    /// The role a grant names; `viewer` when it names none.
    static func role(_ name: String?) throws -> RelevanceAIRole {
        guard let name else { return .viewer }
        guard let role = RelevanceAIRole(name: name) else {
            throw RelevanceAIStepRun.refusal(
                "unknown Relevance AI role '\(name)': use admin, editor, operator, viewer or chat"
            )
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
