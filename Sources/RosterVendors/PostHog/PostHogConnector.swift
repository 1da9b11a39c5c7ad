import Logging
import RosterCore

/// Carries out ``VendorStep``s against PostHog's organization API.
///
/// PostHog grants access per *organization*: a membership level (1 member, 8 admin, 15 owner)
/// opens every project except private ones, which invites grant through
/// `private_project_access`. So:
///
/// - `ensure_project`: finds the project with exactly that name (`search`, compared exactly),
///   else creates it.
/// - `ensure_access`: a member's level is raised to the step's role when lower, never lowered
///   (the level is organization-wide and other grants may need it). Anyone else gets one
///   pending invite, sent through the bulk endpoint, with the level and the project when it is
///   private; an invite that already grants both is left alone, a weaker one is replaced by one
///   granting everything both did.
/// - `reconcile`: a member's level becomes the highest granted (owners are left alone); a
///   non-member's invite is made to grant exactly the grants (deleted when nothing is
///   granted). Organization membership stays.
/// - `revoke_invites`: deletes every invite for the address, expired ones included.
/// - `revoke_api_keys`: changes nothing. PostHog has no admin endpoint to revoke a user's
///   personal API keys; they lose this organization with the membership. Reports what
///   `scoped_api_keys` says.
/// - `remove_project_memberships`: no calls. Removing the organization membership removes every
///   project's access in one call.
/// - `remove_organization_membership`: `DELETE /members/{user_uuid}/`; not being a member is
///   success; PostHog refuses to remove an owner (a permanent error with its message).
///
/// - Important: PostHog's invite API carries private project access only for people who are
///   not members yet. An existing member's access to a private project lives in the project's
///   access-control settings, which Roster does not manage; steps that would need it say so in
///   ``StepOutcome/residual``.
///
/// Step roles are PostHog levels by name (`member`, `admin`, `owner`) or number (`1`, `8`,
/// `15`). Every mutation is checkpointed (`project_id`, `user_uuid`, `invite_id`,
/// `deleted_invites`) and audited; a 404 answering a delete counts as done.
public struct PostHogConnector: VendorConnector {
    /// The configured instance name.
    public let instance: String
    /// The organization's id.
    public let organizationID: String
    /// The path prefix of the configured base URL (see ``PostHogClient/basePath``).
    public var basePath: String
    /// How failures are classified.
    public var policy: FailureClassification.Policy
    /// Coalesces the invites of jobs running at the same time into shared bulk calls; `nil`
    /// sends each job's invite on its own.
    public let batcher: InviteBatcher<PostHogInviteItem, PostHogInviteItemOutcome>?
    /// Projects found or created recently; `nil` looks every time.
    let projectCache: ProjectCache<Run.ProjectRef>?

    /// - Parameters:
    ///   - instance: The configured instance name (`posthog`).
    ///   - organizationID: The organization's id from the configuration.
    ///   - baseURL: The configured base URL, for its path prefix (self-hosted under a path).
    ///   - policy: Failure classification knobs.
    ///   - batching: When set, `ensure_access` invites of jobs running at the same time share
    ///     bulk calls (see ``InviteBatcher``) and project lookups are cached for a minute.
    public init(
        instance: String = "posthog",
        organizationID: String,
        baseURL: String = PostHogClient.defaultBaseURL,
        policy: FailureClassification.Policy = .default,
        batching: InviteBatcher<PostHogInviteItem, PostHogInviteItemOutcome>.Options? = nil
    ) {
        self.instance = instance
        self.organizationID = organizationID
        self.basePath = PostHogClient.pathPrefix(ofBaseURL: baseURL)
        self.policy = policy
        self.batcher = batching.map { InviteBatcher(options: $0) }
        self.projectCache = batching.map { _ in ProjectCache() }
    }

    public func run(_ step: VendorStep, for employee: Employee, context: StepContext) async throws -> StepOutcome {
        let client = PostHogClient(
            transport: context.transport,
            organizationID: organizationID,
            basePath: basePath,
            policy: policy
        )
        var run = Run(
            instance: instance,
            client: client,
            step: step,
            email: employee.email.lowercased(),
            progress: StepProgress(context: context),
            batcher: batcher,
            projectCache: projectCache
        )
        context.logger.debug("posthog step", metadata: ["vendor.instance": "\(instance)", "step": "\(step.name)"])
        switch step.action {
        case .ensureProject: return try await run.ensureProject()
        case .ensureAccess: return try await run.ensureAccess()
        case .reconcile: return try await run.reconcile()
        case .revokeInvites: return try await run.revokeInvites()
        case .revokeAPIKeys: return try await run.revokeAPIKeys()
        case .removeProjectMemberships: return run.removeProjectMemberships()
        case .removeOrganizationMembership: return try await run.removeOrganizationMembership()
        }
    }

    /// `false` once every project the step names is in the project cache (it cannot create one).
    public func needsProjectCreationLock(for step: VendorStep) -> Bool {
        guard let projectCache else { return true }
        return !step.projectNames.allSatisfy { projectCache.get($0) != nil }
    }

    /// `role` as a membership level (`member` when absent).
    ///
    /// - Throws: A permanent ``VendorError`` for an unknown role.
    static func level(_ role: String?, instance: String) throws -> PostHogMembershipLevel {
        guard let role else { return .member }
        guard let level = PostHogMembershipLevel(role: role) else {
            throw VendorError.invalidStep(
                "unknown PostHog role '\(role)' (expected member, admin, owner or 1, 8, 15)",
                vendor: instance
            )
        }
        return level
    }
}

// MARK: - One run

extension PostHogConnector {
    /// One step being carried out: the client, the person and the recovery point.
    struct Run {
        /// A project a step resolved by name.
        struct ProjectRef: Sendable {
            var id: Int
            var isPrivate: Bool
            /// Whether this run created it.
            var created: Bool
        }

        let instance: String
        let client: PostHogClient
        let step: VendorStep
        /// The person's address, lowercased. Never logged.
        let email: String
        var progress: StepProgress
        let batcher: InviteBatcher<PostHogInviteItem, PostHogInviteItemOutcome>?
        let projectCache: ProjectCache<ProjectRef>?

        var logger: Logger { progress.context.logger }

        /// The person's membership, or `nil` when they are not a member; the user UUID is
        /// checkpointed.
        mutating func member() async throws -> PostHogMember? {
            guard let member = try await client.findMember(email: email) else { return nil }
            try await progress.learn("user_uuid", member.user.uuid)
            return member
        }

        /// Resolves project names: from the state (`<key>` id and `<key>.private`), else the
        /// project with that exact name, else a new one (created, checkpointed and audited).
        mutating func resolveProjects(_ names: [String], key: (String) -> String) async throws -> [String: ProjectRef] {
            var resolved: [String: ProjectRef] = [:]
            for name in names {
                let idKey = key(name)
                if let id = progress.state[idKey].flatMap({ Int($0) }), let flag = progress.state["\(idKey).private"] {
                    resolved[name] = ProjectRef(id: id, isPrivate: flag == "true", created: false)
                    continue
                }
                if let cached = projectCache?.get(name) {
                    try await progress.save {
                        $0[idKey] = String(cached.id)
                        $0["\(idKey).private"] = String(cached.isPrivate)
                    }
                    resolved[name] = ProjectRef(id: cached.id, isPrivate: cached.isPrivate, created: false)
                    continue
                }
                if let found = try await client.findProject(named: name) {
                    projectCache?.put(name, ProjectRef(id: found.id, isPrivate: found.isPrivate, created: false))
                    try await progress.save {
                        $0[idKey] = String(found.id)
                        $0["\(idKey).private"] = String(found.isPrivate)
                    }
                    resolved[name] = ProjectRef(id: found.id, isPrivate: found.isPrivate, created: false)
                    continue
                }
                let created = try await client.createProject(name: name)
                let record = AuditRecord(
                    action: "create_project",
                    target: ["project_id": String(created.id), "project": name]
                )
                try await progress.record(record) {
                    $0[idKey] = String(created.id)
                    $0["\(idKey).private"] = String(created.isPrivate)
                }
                projectCache?.put(name, ProjectRef(id: created.id, isPrivate: created.isPrivate, created: false))
                logger.info("created posthog project", metadata: ["project_id": "\(created.id)"])
                resolved[name] = ProjectRef(id: created.id, isPrivate: created.isPrivate, created: true)
            }
            return resolved
        }

        /// Sends one invite through the bulk endpoint (the path batching across jobs will use),
        /// then checkpoints and audits it.
        ///
        /// - Parameter replacing: The pending invites PostHog deletes when it creates this one.
        mutating func invite(_ request: PostHogInviteRequest, replacing: [PostHogInvite]) async throws -> String {
            let created = try await client.createInvites([request]).first
            return try await recordInvite(request, inviteID: created?.id, replaced: replacing.map(\.id))
        }

        /// Checkpoints and audits an invite PostHog created (alone or in a shared bulk call of
        /// `bulkSize` invites).
        mutating func recordInvite(
            _ request: PostHogInviteRequest, inviteID: String?, replaced: [String], bulkSize: Int? = nil
        ) async throws -> String {
            var target = ["level": String(request.level.rawValue)]
            if let inviteID { target["invite_id"] = inviteID }
            let access = request.privateProjectAccess ?? []
            if !access.isEmpty { target["projects"] = access.map { "\($0.id):\($0.level)" }.joined(separator: ",") }
            if !replaced.isEmpty { target["replaces"] = replaced.joined(separator: ",") }
            if let bulkSize { target["bulk_size"] = String(bulkSize) }
            try await progress.record(AuditRecord(action: "create_invite", target: target)) { state in
                if let inviteID { state["invite_id"] = inviteID }
            }
            let projects =
                access.isEmpty ? "" : " with private project(s) \(access.map { String($0.id) }.joined(separator: ", "))"
            let verb = replaced.isEmpty ? "invited" : "replaced pending invite; invited"
            let batch = bulkSize.map { " (bulk call of \($0))" } ?? ""
            return "\(verb) as \(request.level)\(projects)\(batch)"
        }

        /// The note for an existing member whose private project access Roster cannot grant.
        static func privateAccessResidual(_ projects: [Int]) -> String? {
            guard !projects.isEmpty else { return nil }
            let list = projects.sorted().map(String.init).joined(separator: ", ")
            return "already an organization member: access to private project(s) \(list) is set in PostHog's "
                + "project access settings, which Roster does not manage"
        }
    }
}
