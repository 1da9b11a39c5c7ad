import Foundation
import RosterCore

/// One step for one employee against Confident AI: the client, the step's state, the process's
/// ``ConfidentAIDirectory`` it reads through, and the organization member this run looked up.
/// Not shared between tasks.
struct ConfidentAIStepRun: ConnectorRun {
    let client: ConfidentAIClient
    /// The process's directory of Confident AI.
    let directory: ConfidentAIDirectory
    /// The step being carried out.
    let step: VendorStep
    /// The step's recovery point and audit trail (checkpoint, then audit, as every connector).
    private(set) var progress: StepProgress
    /// The employee's address; never logged, never in summaries or audit records.
    let email: String
    let organizationRole: String
    let defaultProjectRole: String
    /// The recovery point, checkpointed after every confirmed mutation.
    var state: StepState { progress.state }
    /// Shares organization invitations with other jobs (`nil`: one call per job).
    let batcher: InviteBatcher<ConfidentAIBatchItem, ConfidentAIInviteItemOutcome>?
    /// Shares project invitations with other jobs (`nil`: one call per job).
    let projectBatcher: InviteBatcher<ConfidentAIBatchItem, ConfidentAIProjectInviteItemOutcome>?
    /// How long a new person has to accept the organization invitation, in seconds.
    let acceptanceWindow: TimeInterval
    /// The clock (tests may move it).
    let now: @Sendable () -> Date
    /// When this run started: what happened behind Roster's back before it (a project created by
    /// an attempt whose answer was lost, an invitation accepted) shows in listings started after.
    let startedAt = Date()
    /// Set after the vendor contradicted the directory: every listing read from then on must
    /// have started after this.
    var listedAnewAt: Date?

    /// The employee as an organization member (`.some(nil)`: not one), looked up once per run.
    var member: ConfidentAIMember??

    init(
        client: ConfidentAIClient,
        directory: ConfidentAIDirectory,
        step: VendorStep,
        context: StepContext,
        email: String,
        organizationRole: String,
        defaultProjectRole: String,
        batcher: InviteBatcher<ConfidentAIBatchItem, ConfidentAIInviteItemOutcome>? = nil,
        projectBatcher: InviteBatcher<ConfidentAIBatchItem, ConfidentAIProjectInviteItemOutcome>? = nil,
        acceptanceWindow: TimeInterval = ConfidentAIConnector.defaultAcceptanceWindow,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.acceptanceWindow = acceptanceWindow
        self.now = now
        self.batcher = batcher
        self.projectBatcher = projectBatcher
        self.client = client
        self.directory = directory
        self.step = step
        self.progress = StepProgress(context: context)
        self.email = email
        self.organizationRole = organizationRole
        self.defaultProjectRole = defaultProjectRole
    }

    /// Carries out the step. Runs again after a contradiction (``perform(directory:)``), so it
    /// forgets what it looked up before.
    mutating func perform() async throws -> StepOutcome {
        member = nil
        switch step.action {
        case .ensureProject:
            return try await ensureProject(named: try ConfidentAIConnector.project(of: step))
        case .ensureAccess:
            return try await ensureAccess(project: try ConfidentAIConnector.project(of: step), role: step.role)
        case .reconcile:
            return try await reconcile(try step.reconcileGrants(instance: step.vendor))
        case .revokeInvites:
            return try await revokeInvitations()
        case .revokeAPIKeys:
            return StepOutcome(summary: "nothing to revoke: Confident AI API keys belong to projects, not to people")
        case .removeProjectMemberships:
            return try await removeProjectMemberships()
        case .removeOrganizationMembership:
            return try await removeOrganizationMembership()
        }
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

    // MARK: - Projects

    /// The project named `name`, created (audited and checkpointed) when missing.
    ///
    /// A project absent from the directory is believed absent only from a listing started after
    /// this run did (another process, or an attempt whose answer was lost, may have created it).
    /// A 409 from the create means someone made it first: the projects are listed again and that
    /// one is used (a retryable error while it is not listed yet).
    ///
    /// - Returns: The project and whether this run created it.
    mutating func resolveProject(named name: String) async throws -> (project: ConfidentAIProject, created: Bool) {
        if let known = try await allProjects().first(where: { $0.name == name }) { return (known, false) }
        if let known = try await allProjects(notBefore: startedAt).first(where: { $0.name == name }) {
            return (known, false)
        }
        let client = self.client
        let project: ConfidentAIProject
        do {
            project = try await mutation(decidedFrom: .projects, in: directory) {
                try await client.createProject(name: name)
            }
        } catch let contradiction as DirectoryContradiction where contradiction.underlying.status == 409 {
            directory.projects.invalidate()
            if let existing = try await allProjects(notBefore: Date()).first(where: { $0.name == name }) {
                return (existing, false)
            }
            throw VendorError(
                code: .http,
                status: 409,
                message: "project name is taken but the project is not listed yet",
                retryAfter: contradiction.underlying.retryAfter,
                classification: .retryable,
                vendor: ConfidentAIClient.vendor
            )
        }
        directory.created(project)
        try await record(.createProject, ["project_id": project.id]) { state in
            state[.projectID] = project.id
            state.append(project.id, to: .createdProjects)
        }
        return (project, true)
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
    /// When a check last found the invited person not yet a member (epoch seconds).
    static let acceptanceCheckedAt = StepStateKey(rawValue: "org_checked_at")
    /// When the organization invitation was resent (epoch seconds).
    static let resent = StepStateKey(rawValue: "resent")
    /// The project invitation a Confident AI step created.
    static let invitationID = StepStateKey(rawValue: "invitation_id")
    /// Invitations the step deleted: `org:<id>`, `project:<projectId>:<id>`.
    static let deletedInvitations = StepStateKey(rawValue: "deleted_invitations")
}
