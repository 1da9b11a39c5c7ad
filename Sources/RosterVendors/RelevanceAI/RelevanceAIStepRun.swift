import Foundation
import Logging
import RosterCore

/// One step for one employee against Relevance AI: the client, the step's state, the process's
/// ``RelevanceAIDirectory`` it reads through, and the users this run has already looked up. Not
/// shared between tasks.
struct RelevanceAIStepRun: ConnectorRun {
    let client: RelevanceAIClient
    /// The process's directory of Relevance AI.
    let directory: RelevanceAIDirectory
    /// The step being carried out.
    let step: VendorStep
    /// The step's recovery point and audit trail (checkpoint, then audit, as every connector).
    private(set) var progress: StepProgress
    /// The employee's address; never logged, never in summaries or audit records.
    let email: String
    let organizationID: String
    let defaultProjectID: String
    /// When this run started: a project absent from listings older than this may have been
    /// created since (by another process, or by an attempt whose answer was lost).
    let startedAt = Date()
    /// Set after the vendor contradicted the directory: every listing read from then on must
    /// have started after this.
    var listedAnewAt: Date?
    /// The recovery point, checkpointed after every confirmed mutation.
    var state: StepState { progress.state }
    /// The step's logger (no personal data).
    var logger: Logger { progress.context.logger }

    /// The employee as a user of each project looked at in this run (`nil`: not a user there).
    var users: [String: RelevanceAIUser?] = [:]

    init(
        client: RelevanceAIClient,
        directory: RelevanceAIDirectory,
        step: VendorStep,
        context: StepContext,
        email: String,
        organizationID: String,
        defaultProjectID: String
    ) {
        self.client = client
        self.directory = directory
        self.step = step
        self.progress = StepProgress(context: context)
        self.email = email
        self.organizationID = organizationID
        self.defaultProjectID = defaultProjectID
    }

    /// Carries out the step. Runs again after a contradiction (``perform(directory:)``), so it
    /// forgets what it looked up before.
    mutating func perform() async throws -> StepOutcome {
        users.removeAll()
        switch step.action {
        case .ensureProject:
            return try await ensureProject(named: try RelevanceAIConnector.project(of: step))
        case .ensureAccess:
            let role = try RelevanceAIConnector.role(step.role)
            return try await ensureAccess(project: try RelevanceAIConnector.project(of: step), role: role)
        case .reconcile:
            let grants = try step.reconcileGrants(instance: step.vendor).map { grant in
                (project: grant.project, role: try RelevanceAIConnector.role(grant.role))
            }
            return try await reconcile(grants)
        case .revokeInvites:
            return try await revokeInvites()
        case .revokeAPIKeys:
            return try await revokeAPIKeys()
        case .removeProjectMemberships:
            return try await removeProjectMemberships()
        case .removeOrganizationMembership:
            return StepOutcome(
                summary: "organisation membership left in place (no API)",
                residual: RelevanceAIConnector.organizationResidual
            )
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

    /// A permanent error for something Roster must not or cannot do.
    static func refusal(_ message: String) -> VendorError {
        VendorError(code: .unexpected, message: message, classification: .permanent, vendor: RelevanceAIClient.vendor)
    }

    // MARK: - Projects

    /// The project named `name`, created (audited and checkpointed) when missing.
    ///
    /// A project absent from the directory is believed absent only from a listing started after
    /// this run did (another process, or an attempt whose answer was lost, may have created it).
    ///
    /// - Returns: The project and whether this call created it.
    mutating func resolveProject(named name: String) async throws -> (project: RelevanceAIProject, created: Bool) {
        if let known = try await allProjects().first(where: { $0.name == name }) { return (known, false) }
        if let known = try await allProjects(notBefore: startedAt).first(where: { $0.name == name }) {
            return (known, false)
        }
        let (client, organizationID, defaultProjectID) = (self.client, self.organizationID, self.defaultProjectID)
        let id = try await mutation(decidedFrom: .projects, in: directory) {
            try await client.createProject(name: name, organizationID: organizationID, project: defaultProjectID)
        }
        let project = RelevanceAIProject(id: id, name: name, organizationID: organizationID)
        directory.created(project)
        try await record(.createProject, ["project_id": id]) { state in
            state[.projectID] = id
            state.append(id, to: .createdProjects)
        }
        return (project, true)
    }

    /// Forgets the looked-up user of `projectID` after a change there.
    mutating func forgetUser(in projectID: String) {
        users[projectID] = nil
    }
}

// MARK: - Step state

extension StepStateKey {
    /// The code of the invite a Relevance AI step created.
    static let inviteCode = StepStateKey(rawValue: "invite_code")
    /// The user a Relevance AI step made an organisation member (from admin).
    static let orgDemoted = StepStateKey(rawValue: "org_demoted")
}
