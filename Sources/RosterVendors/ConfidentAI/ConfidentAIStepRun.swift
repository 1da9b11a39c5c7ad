import Foundation
import RosterCore

/// One step for one employee against Confident AI: the client, the step's state, and what this
/// run has already looked up (projects, roles, the organization member), so each is fetched
/// once per run. Not shared between tasks.
struct ConfidentAIStepRun {
    let client: ConfidentAIClient
    /// The step's recovery point and audit trail (checkpoint, then audit, as every connector).
    private var progress: StepProgress
    /// The employee's address; never logged, never in summaries or audit records.
    let email: String
    let organizationRole: String
    let defaultProjectRole: String
    /// The recovery point, checkpointed after every confirmed mutation.
    var state: StepState { progress.state }
    /// Shares organization invitations with other jobs (`nil`: one call per job).
    let batcher: InviteBatcher<String, ConfidentAIInviteItemOutcome>?
    /// Shares project invitations with other jobs (`nil`: one call per job).
    let projectBatcher: InviteBatcher<String, ConfidentAIProjectInviteItemOutcome>?
    /// Projects by name, shared by the process's jobs (`nil`: listed once per run).
    let projectCache: ProjectCache<ConfidentAIProject>?
    /// How long a new person has to accept the organization invitation, in seconds.
    let acceptanceWindow: TimeInterval
    /// The clock (tests may move it).
    let now: @Sendable () -> Date

    private var projects: [ConfidentAIProject]?
    private var organizationRoles: [ConfidentAIRole]?
    private var projectRoles: [String: [ConfidentAIRole]] = [:]
    var member: ConfidentAIMember??

    init(
        client: ConfidentAIClient,
        context: StepContext,
        email: String,
        organizationRole: String,
        defaultProjectRole: String,
        batcher: InviteBatcher<String, ConfidentAIInviteItemOutcome>? = nil,
        projectBatcher: InviteBatcher<String, ConfidentAIProjectInviteItemOutcome>? = nil,
        projectCache: ProjectCache<ConfidentAIProject>? = nil,
        acceptanceWindow: TimeInterval = ConfidentAIConnector.defaultAcceptanceWindow,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.acceptanceWindow = acceptanceWindow
        self.now = now
        self.batcher = batcher
        self.projectBatcher = projectBatcher
        self.projectCache = projectCache
        self.client = client
        self.progress = StepProgress(context: context)
        self.email = email
        self.organizationRole = organizationRole
        self.defaultProjectRole = defaultProjectRole
    }

    // MARK: - Recording

    /// Records a mutation the vendor confirmed (``StepProgress/record(_:update:)``).
    mutating func record(
        _ action: AuditAction,
        _ target: [String: String],
        outcome: AuditOutcome = .done,
        update: (inout StepState) -> Void = { _ in }
    ) async throws {
        try await progress.record(AuditRecord(action: action, target: target, outcome: outcome), update: update)
    }

    /// Checkpoints the state after `update`, with no audit record (a time first seen).
    mutating func save(_ update: (inout StepState) -> Void) async throws {
        try await progress.save(update)
    }

    // MARK: - Lookups (once per run)

    /// Every project, listed once per run (projects this run created are added).
    mutating func allProjects() async throws -> [ConfidentAIProject] {
        if let projects { return projects }
        let listed = try await client.listProjects()
        projects = listed
        return listed
    }

    /// The project named `name`, created (audited and checkpointed) when missing.
    ///
    /// - Returns: The project and whether this run created it.
    mutating func resolveProject(named name: String) async throws -> (project: ConfidentAIProject, created: Bool) {
        if let cached = projectCache?.get(name) { return (cached, false) }
        if let known = try await allProjects().first(where: { $0.name == name }) {
            projectCache?.put(name, known)
            return (known, false)
        }
        let (project, created) = try await client.findOrCreateProject(named: name)
        projects?.append(project)
        projectCache?.put(name, project)
        if created {
            try await record(.createProject, ["project_id": project.id]) { state in
                state[.projectID] = project.id
                state.append(project.id, to: .createdProjects)
            }
        }
        return (project, created)
    }

    /// The organization member with the employee's address, looked up once per run.
    mutating func organizationMember() async throws -> ConfidentAIMember? {
        if let member { return member }
        let found = try await client.findOrganizationMember(email: email)
        member = .some(found)
        return found
    }

    /// The organization role called `name`.
    mutating func organizationRole(named name: String) async throws -> ConfidentAIRole {
        if organizationRoles == nil {
            organizationRoles = try await client.listOrganizationRoles()
        }
        return try ConfidentAIClient.role(named: name, in: organizationRoles ?? [], scope: "organization")
    }

    /// The role of `projectID` called `name`. Owner is refused: Confident AI does not let it be
    /// invited to, and Roster never transfers ownership.
    mutating func projectRole(named name: String, in projectID: String) async throws -> ConfidentAIRole {
        if projectRoles[projectID] == nil {
            projectRoles[projectID] = try await client.listProjectRoles(projectID: projectID)
        }
        let role = try ConfidentAIClient.role(named: name, in: projectRoles[projectID] ?? [], scope: "project")
        guard !role.isOwner else {
            throw Self.refusal("Roster does not grant the project Owner role (it would transfer ownership)")
        }
        return role
    }

    /// A permanent error for something Roster must not or cannot do.
    static func refusal(_ message: String) -> VendorError {
        VendorError(code: .unexpected, message: message, classification: .permanent, vendor: ConfidentAIClient.vendor)
    }
}

// MARK: - Step state

extension StepStateKey {
    /// The organization invitation a Confident AI step created or found.
    static let orgInvitationID = StepStateKey(rawValue: "org_invitation_id")
    /// When the organization invitation was first seen pending (epoch seconds).
    static let orgInvitedAt = StepStateKey(rawValue: "org_invited_at")
    /// When the organization invitation was resent (epoch seconds).
    static let resent = StepStateKey(rawValue: "resent")
    /// The project invitation a Confident AI step created.
    static let invitationID = StepStateKey(rawValue: "invitation_id")
    /// Invitations the step deleted: `org:<id>`, `project:<projectId>:<id>`.
    static let deletedInvitations = StepStateKey(rawValue: "deleted_invitations")
}
