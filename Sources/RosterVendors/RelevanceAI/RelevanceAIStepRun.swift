import Logging
import RosterCore

/// One step for one employee against Relevance AI: the client, the step's state, and what the
/// run has already looked up (projects, the user in each project). Not shared between tasks.
struct RelevanceAIStepRun {
    let client: RelevanceAIClient
    /// The step's recovery point and audit trail (checkpoint, then audit, as every connector).
    private var progress: StepProgress
    /// The employee's address; never logged, never in summaries or audit records.
    let email: String
    let organizationID: String
    let defaultProjectID: String
    /// The recovery point, checkpointed after every confirmed mutation.
    var state: StepState { progress.state }
    /// The step's logger (no personal data).
    var logger: Logger { progress.context.logger }

    private var projects: [RelevanceAIProject]?
    private var users: [String: RelevanceAIUser?] = [:]

    init(
        client: RelevanceAIClient,
        context: StepContext,
        email: String,
        organizationID: String,
        defaultProjectID: String
    ) {
        self.client = client
        self.progress = StepProgress(context: context)
        self.email = email
        self.organizationID = organizationID
        self.defaultProjectID = defaultProjectID
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

    // MARK: - Lookups (once per run)

    /// Every project, listed once per run under the default project's header.
    mutating func allProjects() async throws -> [RelevanceAIProject] {
        if let projects { return projects }
        let listed = try await client.listProjects(project: defaultProjectID)
        projects = listed
        return listed
    }

    /// The project named `name`, created (audited and checkpointed) when missing.
    ///
    /// - Returns: The project and whether this call created it.
    mutating func resolveProject(named name: String) async throws -> (project: RelevanceAIProject, created: Bool) {
        if let known = try await allProjects().first(where: { $0.name == name }) { return (known, false) }
        let id = try await client.createProject(name: name, organizationID: organizationID, project: defaultProjectID)
        let project = RelevanceAIProject(id: id, name: name, organizationID: organizationID)
        projects?.append(project)
        try await record(.createProject, ["project_id": id]) { state in
            state["project_id"] = id
            state.append(id, to: "created_projects")
        }
        return (project, true)
    }

    /// The employee as a user of `projectID` (listed under that project's header), or `nil`.
    mutating func user(in projectID: String) async throws -> RelevanceAIUser? {
        if let cached = users[projectID] { return cached }
        let found = try await client.findUser(email: email, project: projectID)
        users[projectID] = .some(found)
        return found
    }

    /// Forgets the cached user of `projectID` after a change there.
    mutating func forgetUser(in projectID: String) {
        users[projectID] = nil
    }

    /// Forgets every cached user (after a change of organisation role, which changes what every
    /// project lists).
    mutating func forgetUsers() {
        users.removeAll()
    }
}
