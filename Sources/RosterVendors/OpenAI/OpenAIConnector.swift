import Foundation
import Logging
import RosterCore

/// Carries out ``VendorStep``s against OpenAI's organization Admin API, following the onboarding
/// and offboarding sequences OpenAI's API allows:
///
/// - `ensure_project`: finds the active project with that exact name, else creates it.
/// - `ensure_access`: an organization member joins the project or gets the role there; anyone
///   else gets one pending invite carrying the project and role (an existing invite without it
///   is replaced by one with all its grants plus this one).
/// - `reconcile`: the `grants` become exactly the person's projects and roles: missing ones are
///   added (or invited), roles changed, and other project memberships removed, their API keys
///   in those projects first. Organization membership stays.
/// - `revoke_invites`: deletes every pending invite for the address.
/// - `revoke_api_keys`: deletes every user-owned key of theirs in every active project
///   (`owner_project_access=any`). Must run before memberships are removed.
/// - `remove_project_memberships`: removes them from every active project.
/// - `remove_organization_membership`: removes them from the organization; not being a member
///   is success.
///
/// Decisions where OpenAI leaves a choice:
/// - **Archived projects.** OpenAI cannot use, update or unarchive an archived project. A step
///   naming a project that exists only archived gets a new active project with that name (the
///   summary says so); lookups prefer the active one from then on. Keys found in archived
///   projects cannot be deleted and are reported as ``StepOutcome/residual``.
/// - **Roles.** A step's role is a project role, `member` (the default) or `owner`. Invites
///   carry the organization role ``organizationRole`` (`reader`), never `owner`, unless an
///   invite being replaced already had `owner`.
/// - **One invite per address.** OpenAI keeps one pending invite per person, so a second
///   project is added by deleting the invite and creating one with every grant. The planned
///   grants are checkpointed first, so an attempt that stops between the delete and the create
///   still invites to every project when it resumes.
///
/// Outside what Roster removes, and said so: project access through OpenAI **groups**
/// (`/organization/projects/{id}/groups`) survives removing the user from the project until they
/// leave the organization; a **SCIM-managed** user (`is_scim_managed`) may be added back by the
/// identity provider, which ``StepOutcome/residual`` says on the offboarding's last step.
///
/// Every mutation is checkpointed (`project_id`, `user_id`, `invite_id`, lists `deleted_keys`,
/// `deleted_invites`, `removed_projects`) and audited; a 404 answering a delete counts as done.
public struct OpenAIConnector: VendorConnector {
    /// The configured instance name.
    public let instance: String
    /// The organization role invites carry: `reader` (default) or `owner`.
    public var organizationRole: String
    /// How failures are classified.
    public var policy: FailureClassification.Policy
    /// What look-before-act reads, shared by every job of the process.
    let directory: OpenAIDirectory

    /// - Parameters:
    ///   - instance: The configured instance name (`openai`).
    ///   - organizationRole: The organization role for invites (`reader`).
    ///   - policy: Failure classification knobs.
    ///   - directoryTimeToLive: How long the directory believes a listing (seconds).
    ///   - now: The directory's clock (tests move it past the time to live).
    public init(
        instance: String = "openai",
        organizationRole: String = "reader",
        policy: FailureClassification.Policy = .default,
        directoryTimeToLive: TimeInterval = OpenAIDirectory.defaultTimeToLive,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.instance = instance
        self.organizationRole = organizationRole
        self.policy = policy
        self.directory = OpenAIDirectory(timeToLive: directoryTimeToLive, now: now)
    }

    /// How many listings the directory loaded so far, by kind (for tests and `roster doctor`).
    public var directoryLoads: [String: Int] {
        ["projects": directory.projects.loads, "users": directory.users.loads, "invites": directory.invites.loads]
    }

    public func run(_ step: VendorStep, for employee: Employee, context: StepContext) async throws -> StepOutcome {
        let client = client(over: context.transport, logger: context.logger)
        var run = Run(
            instance: instance,
            organizationRole: organizationRole,
            client: client,
            directory: directory,
            step: step,
            email: employee.email.lowercased(),
            progress: StepProgress(context: context)
        )
        context.logger.debug("openai step", metadata: ["vendor.instance": "\(instance)", "step": "\(step.name)"])
        return try await run.perform(directory: directory)
    }

    public var usesDirectory: Bool { true }

    /// The admin client a run (or an inventory) uses: over `transport`, reporting as this
    /// instance to `logger`.
    func client(over transport: any VendorTransport, logger: Logger) -> OpenAIAdminClient {
        var client = OpenAIAdminClient(transport: transport, policy: policy)
        client.instance = instance
        client.logger = logger
        return client
    }

    /// Engine hook: a granting step needs the project-creation lock only while a project it names
    /// is not known to exist.
    public func needsProjectCreationLock(for step: VendorStep) -> Bool {
        step.projectNames.contains { directory.heldActiveProject(named: $0) == nil }
    }

    /// The project roles OpenAI knows.
    static let projectRoles: Set<String> = ["member", "owner"]

    /// `role` as an OpenAI project role (`member` when absent).
    ///
    /// - Throws: A permanent ``VendorError`` for anything but `member` or `owner`.
    static func projectRole(_ role: String?, instance: String) throws -> String {
        let role = role?.lowercased() ?? "member"
        guard projectRoles.contains(role) else {
            throw VendorError.invalidStep(
                "unknown OpenAI project role '\(role)' (expected member or owner)",
                vendor: instance
            )
        }
        return role
    }
}

// MARK: - One run

extension OpenAIConnector {
    /// One step being carried out: the client, the person and the recovery point.
    struct Run: ConnectorRun {
        /// A project a step resolved by name.
        struct ProjectRef {
            var id: String
            /// Whether this run created it.
            var created: Bool
            /// Whether an archived project with the same name exists (and was left alone).
            var archivedNamesake: Bool
        }

        let instance: String
        let organizationRole: String
        let client: OpenAIAdminClient
        /// The process's directory of OpenAI.
        let directory: OpenAIDirectory
        let step: VendorStep
        /// The person's address, lowercased. Never logged.
        let email: String
        var progress: StepProgress
        /// When this run started: listings from before it are not enough to create a project.
        let startedAt = Date()
        /// Set after the vendor contradicted the directory: every listing read from then on must
        /// have started after this.
        var listedAnewAt: Date?

        var logger: Logger { progress.context.logger }

        /// Carries out the step.
        mutating func perform() async throws -> StepOutcome {
            switch step.action {
            case .ensureProject: return try await ensureProject()
            case .ensureAccess: return try await ensureAccess()
            case .reconcile: return try await reconcile()
            case .revokeInvites: return try await revokeInvites()
            case .revokeAPIKeys: return try await revokeAPIKeys()
            case .removeProjectMemberships: return try await removeProjectMemberships()
            case .removeOrganizationMembership: return try await removeOrganizationMembership()
            }
        }

        /// The organization user id for the address: from the state, else looked up (and
        /// checkpointed, with `user_scim_managed` when OpenAI says so); `nil` when they are not a
        /// member.
        ///
        /// - Parameter fullListing: When the `emails[]` filter finds nobody, look through every
        ///   user before answering `nil` (offboarding steps: the filter's case handling is not
        ///   documented, and "not a member" must be true).
        mutating func userID(fullListing: Bool = false) async throws -> String? {
            if let known = progress.state[.userID] { return known }
            guard let user = try await lookUpUser(fullListing: fullListing) else { return nil }
            try await progress.save {
                $0["user_id"] = user.id
                if user.isScimManaged == true { $0["user_scim_managed"] = "true" }
            }
            return user.id
        }

        /// Resolves project names to ids: from the state (`key(name)`), else the active project with
        /// that exact name, else a new project (created, checkpointed and audited). Lists projects
        /// at most once.
        mutating func resolveProjects(
            _ names: [String],
            key: (String) -> StepStateKey
        ) async throws -> [String: ProjectRef] {
            var resolved: [String: ProjectRef] = [:]
            for name in names {
                if let id = progress.state[key(name)] {
                    resolved[name] = ProjectRef(id: id, created: false, archivedNamesake: false)
                    continue
                }
                var matches = try await listedProjects().filter { $0.name == name }
                if !matches.contains(where: { !$0.isArchived }) {
                    // Absent from the directory: believe it only from a listing made after this
                    // step started (another process may have created it since), under the lock.
                    matches = try await listedProjects(notBefore: startedAt).filter { $0.name == name }
                }
                if let active = matches.first(where: { !$0.isArchived }) {
                    try await progress.learn(key(name), active.id)
                    resolved[name] = ProjectRef(id: active.id, created: false, archivedNamesake: false)
                    continue
                }
                let created = try await client.createProject(name: name)
                directory.created(created)
                let record = AuditRecord(action: .createProject, target: ["project_id": created.id, "project": name])
                try await progress.record(record) { $0[key(name)] = created.id }
                logger.info("created openai project", metadata: ["project_id": "\(created.id)"])
                resolved[name] = ProjectRef(id: created.id, created: true, archivedNamesake: !matches.isEmpty)
            }
            return resolved
        }

        /// Makes `userID` a member of `projectID` with `role`, given their `current` role there.
        ///
        /// - Returns: What changed, for the summary, or `nil` when nothing did.
        mutating func ensureMembership(
            userID: String,
            projectID: String,
            role: String,
            current: String?
        ) async throws -> String? {
            let target = ["project_id": projectID, "user_id": userID, "role": role]
            switch current {
            case role:
                return nil
            case .some(let old):
                let member = try await mutation(decidedFrom: .members(projectID), in: directory) {
                    try await client.updateProjectUser(projectID: projectID, userID: userID, role: role)
                }
                directory.member(member, of: projectID)
                try await progress.record(AuditRecord(action: .changeProjectRole, target: target))
                return "changed role in \(projectID) from \(old) to \(role)"
            case nil:
                let member = try await mutation(decidedFrom: .members(projectID), in: directory) {
                    try await client.addProjectUser(projectID: projectID, userID: userID, role: role)
                }
                directory.member(member, of: projectID)
                try await progress.record(AuditRecord(action: .addProjectMember, target: target))
                return "added to \(projectID) as \(role)"
            }
        }

        /// Deletes the user-owned keys of this person in `projectID` (matched by user id, or by
        /// address when the id is unknown), skipping keys already in `deleted_keys`.
        ///
        /// - Returns: How many keys this call deleted (or found already gone).
        mutating func deleteKeys(in projectID: String, userID: String?) async throws -> Int {
            let keys = try await client.listProjectAPIKeys(projectID: projectID)
            var count = 0
            for key in keys where owns(key, userID: userID) && !progress.state.contains(key.id, in: "deleted_keys") {
                let outcome = try await DeleteOutcome.of {
                    _ = try await client.deleteProjectAPIKey(projectID: projectID, keyID: key.id)
                }
                let record = AuditRecord(
                    action: .deleteAPIKey,
                    target: ["project_id": projectID, "key_id": key.id],
                    outcome: outcome
                )
                try await progress.record(record) { $0.append(key.id, to: "deleted_keys") }
                count += 1
            }
            return count
        }

        /// Whether this person owns `key` (service-account keys are never theirs).
        func owns(_ key: OpenAIProjectAPIKey, userID: String?) -> Bool {
            if let userID, key.isOwned(byUserID: userID) { return true }
            return key.isOwned(byEmail: email)
        }
    }
}
