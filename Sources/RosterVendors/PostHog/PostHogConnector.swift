import Foundation
import Logging
import RosterCore

/// Carries out ``VendorStep``s against PostHog's organization API.
///
/// PostHog grants access per *organization*: a membership level (1 member, 8 admin, 15 owner)
/// opens every project except private ones. A private project is marked by a project-wide
/// access-control record with `access_level: "none"` (or, in organizations not yet moved to
/// access-control records, the deprecated `access_control: true` flag; both are read, see
/// ``PostHogClient/privacy(of:)``). Invites grant private projects through
/// `private_project_access` (levels `"member"`/`"admin"`); an existing member is given one
/// through the project's access-control endpoint. So:
///
/// - `ensure_project`: finds the project with exactly that name (`search`, compared exactly),
///   else creates it.
/// - `ensure_access`: a member's level is raised to the step's role when lower, never lowered
///   (the level is organization-wide and other grants may need it), and a private project's
///   access-control record for them is created or raised. Anyone else gets one pending invite,
///   sent through the bulk endpoint, with the level and the project when it is private; an
///   invite that already grants both is left alone, a weaker one is replaced by one granting
///   everything both did.
/// - `reconcile`: a member's level becomes the highest granted (owners are left alone), and
///   their access-control records on private projects become exactly the granted ones (records
///   on private projects not granted are removed); a non-member's invite is made to grant
///   exactly the grants (deleted when nothing is granted). Organization membership stays.
/// - `revoke_invites`: deletes every invite for the address, expired ones included.
/// - `revoke_api_keys`: changes nothing. PostHog has no admin endpoint to revoke a user's
///   personal API keys; they lose this organization with the membership. Reports what
///   `scoped_api_keys` says.
/// - `remove_project_memberships`: no calls. Removing the organization membership removes every
///   project's access in one call.
/// - `remove_organization_membership`: `DELETE /members/{user_uuid}/` for every account with
///   the address in any letter case; not being a member is success; PostHog refuses to remove
///   an owner (a permanent error with its message). Access-control records go with the
///   membership.
///
/// Addresses are compared case-insensitively everywhere: members are found with the exact
/// `?email=` filter, then `?search=` (PostHog's filter is case-sensitive and old accounts can
/// be mixed-case), and invites are matched lowercased.
///
/// - Important: An existing member's access to a *legacy* private project (the deprecated flag)
///   is an explicit project membership, which Roster does not manage; so is any private
///   project whose access controls the key cannot read. Steps that would need it say so in
///   ``StepOutcome/residual``.
///
/// Step roles are PostHog levels by name (`member`, `admin`, `owner`) or number (`1`, `8`,
/// `15`). Every mutation is checkpointed (`project_id`, `user_uuid`, `invite_id`,
/// `deleted_invites`, `removed_members`) and audited; a 404 answering a delete counts as done.
///
/// **Reads** go through the process's ``PostHogDirectory`` (projects, members, invites, the
/// access controls of the projects steps look at), as recent as the step's
/// ``StepContext/freshness`` demands: a leaver's step and a resumed one list anew, so a stale
/// directory can neither hide an invite PostHog made behind Roster's back (a console re-invite
/// replaces the invite under a new id) nor make a resumed step repeat a create. A mutation the
/// vendor refuses in a way that contradicts the directory (400/404/409) makes the step list again
/// and look once more (``ConnectorRun/perform(directory:)``); a mutation that fails in any other
/// way forgets the listings it was decided from, since it may have taken effect unseen.
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
    /// What look-before-act reads, shared by every job of the process.
    let directory: PostHogDirectory

    /// - Parameters:
    ///   - instance: The configured instance name (`posthog`).
    ///   - organizationID: The organization's id from the configuration.
    ///   - baseURL: The configured base URL, for its path prefix (self-hosted under a path).
    ///   - policy: Failure classification knobs.
    ///   - batching: When set, `ensure_access` invites of jobs running at the same time share
    ///     bulk calls (see ``InviteBatcher``), fed from the directory.
    ///   - directoryTimeToLive: How long the directory believes a listing (seconds).
    ///   - directoryClock: The directory's clock (tests inject one to pass the time to live).
    public init(
        instance: String = "posthog",
        organizationID: String,
        baseURL: String = PostHogClient.defaultBaseURL,
        policy: FailureClassification.Policy = .default,
        batching: InviteBatcher<PostHogInviteItem, PostHogInviteItemOutcome>.Options? = nil,
        directoryTimeToLive: TimeInterval = 300,
        directoryClock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.instance = instance
        self.organizationID = organizationID
        self.basePath = PostHogClient.pathPrefix(ofBaseURL: baseURL)
        self.policy = policy
        self.batcher = batching.map { InviteBatcher(options: $0) }
        self.directory = PostHogDirectory(timeToLive: directoryTimeToLive, now: directoryClock)
    }

    public func run(_ step: VendorStep, for employee: Employee, context: StepContext) async throws -> StepOutcome {
        let client = client(over: context.transport, logger: context.logger)
        var run = Run(
            instance: instance,
            client: client,
            directory: directory,
            step: step,
            email: employee.email.lowercased(),
            progress: StepProgress(context: context),
            batcher: batcher
        )
        context.logger.debug("posthog step", metadata: ["vendor.instance": "\(instance)", "step": "\(step.name)"])
        return try await run.perform(directory: directory)
    }

    public var usesDirectory: Bool { true }

    /// The client a run (or an inventory) uses: over `transport`, reporting as this instance to
    /// `logger`.
    func client(over transport: any VendorTransport, logger: Logger) -> PostHogClient {
        var client = PostHogClient(
            transport: transport, organizationID: organizationID, basePath: basePath, policy: policy)
        client.instance = instance
        client.logger = logger
        return client
    }

    /// Engine hook: a granting step needs the project-creation lock only while a project it names
    /// is not known to exist (the directory's project listing, without listing).
    public func needsProjectCreationLock(for step: VendorStep) -> Bool {
        step.projectNames.contains { directory.heldProject(named: $0) == nil }
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
    struct Run: ConnectorRun {
        /// A project a step resolved by name.
        struct ProjectRef: Sendable {
            var id: Int
            var privacy: PostHogProjectPrivacy
            /// Whether this run created it.
            var created: Bool

            /// Whether invites should carry the project in `private_project_access`. Also when
            /// privacy is unknown: on an open project the grant is harmless, on a private one it
            /// is what the person needs.
            var invitesNeedAccess: Bool { privacy != .open }
        }

        let instance: String
        let client: PostHogClient
        /// The process's directory of PostHog.
        let directory: PostHogDirectory
        let step: VendorStep
        /// The person's address, lowercased. Never logged.
        let email: String
        var progress: StepProgress
        let batcher: InviteBatcher<PostHogInviteItem, PostHogInviteItemOutcome>?
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
            case .removeProjectMemberships: return removeProjectMemberships()
            case .removeOrganizationMembership: return try await removeOrganizationMembership()
            }
        }

        /// The person's membership, or `nil` when they are not a member; the user UUID is
        /// checkpointed.
        mutating func member() async throws -> PostHogMember? {
            guard let member = try await lookUpMember() else { return nil }
            try await progress.learn(.userUUID, member.user.uuid)
            return member
        }

        /// Resolves project names: from the state (`<key>` id and `<key>.private`, the privacy),
        /// else the project with that exact name in the directory and its privacy (its access
        /// controls, through the directory too), else a new one (created, checkpointed and
        /// audited; new projects are open). A project absent from the directory is believed absent
        /// only from a listing started after this step began (another process may have created it
        /// since; the engine holds the project-creation lock meanwhile).
        mutating func resolveProjects(
            _ names: [String], key: (String) -> StepStateKey
        ) async throws -> [String: ProjectRef] {
            var resolved: [String: ProjectRef] = [:]
            for name in names {
                let idKey = key(name)
                // States from before privacy had four values say "true"/"false": looked up again.
                if let id = progress.state[idKey].flatMap({ Int($0) }),
                    let privacy = progress.state[idKey.privacy].flatMap(PostHogProjectPrivacy.init(rawValue:))
                {
                    resolved[name] = ProjectRef(id: id, privacy: privacy, created: false)
                    continue
                }
                var found = try await project(named: name)
                if found == nil { found = try await project(named: name, notBefore: startedAt) }
                if let found {
                    let privacy = try await privacy(of: found)
                    try await progress.save {
                        $0[idKey] = String(found.id)
                        $0[idKey.privacy] = privacy.rawValue
                    }
                    resolved[name] = ProjectRef(id: found.id, privacy: privacy, created: false)
                    continue
                }
                let created = try await mutation(decidedFrom: [.projects], in: directory) {
                    try await client.createProject(name: name)
                }
                directory.created(created)
                let record = AuditRecord(
                    action: .createProject,
                    target: ["project_id": String(created.id), "project": name]
                )
                let privacy: PostHogProjectPrivacy = created.isPrivate ? .legacyFlag : .open
                try await progress.record(record) {
                    $0[idKey] = String(created.id)
                    $0[idKey.privacy] = privacy.rawValue
                }
                logger.info("created posthog project", metadata: ["project_id": "\(created.id)"])
                resolved[name] = ProjectRef(id: created.id, privacy: privacy, created: true)
            }
            return resolved
        }

        /// Sends one invite through the bulk endpoint (the path batching across jobs will use),
        /// then checkpoints and audits it.
        ///
        /// - Parameter replacing: The pending invites PostHog deletes when it creates this one.
        mutating func invite(_ request: PostHogInviteRequest, replacing: [PostHogInvite]) async throws -> String {
            // "Already belongs to the organization" (400) contradicts the member listing.
            let created = try await mutation(decidedFrom: [.users, .invites], in: directory) {
                try await client.createInvites([request])
            }.first
            if let created {
                directory.invited(created)
            } else {
                directory.forget([.invites])  // created, but PostHog did not say how
            }
            let replaced = replacing.filter { $0.targetEmail == request.targetEmail }.map(\.id)
            let kept = replacing.filter { $0.targetEmail != request.targetEmail }.map(\.id)
            return try await recordInvite(request, inviteID: created?.id, replaced: replaced, kept: kept)
        }

        /// Checkpoints and audits an invite PostHog created (alone or in a shared bulk call of
        /// `bulkSize` invites).
        ///
        /// - Parameter kept: Pending invites for the person that PostHog keeps (their stored
        ///   address differs in letter case): deleted here, since the new one grants what they did.
        mutating func recordInvite(
            _ request: PostHogInviteRequest, inviteID: String?, replaced: [String], kept: [String] = [],
            bulkSize: Int? = nil
        ) async throws -> String {
            var target = ["level": String(request.level.rawValue)]
            if let inviteID { target["invite_id"] = inviteID }
            let access = request.privateProjectAccess ?? []
            if !access.isEmpty { target["projects"] = access.map { "\($0.id):\($0.level)" }.joined(separator: ",") }
            if !replaced.isEmpty { target["replaces"] = replaced.joined(separator: ",") }
            if let bulkSize { target["bulk_size"] = String(bulkSize) }
            try await progress.record(AuditRecord(action: .createInvite, target: target)) { state in
                if let inviteID { state[.inviteID] = inviteID }
            }
            let projects =
                access.isEmpty ? "" : " with private project(s) \(access.map { String($0.id) }.joined(separator: ", "))"
            let verb = replaced.isEmpty && kept.isEmpty ? "invited" : "replaced pending invite; invited"
            let batch = bulkSize.map { " (bulk call of \($0))" } ?? ""
            var summary = "\(verb) as \(request.level)\(projects)\(batch)"
            if !kept.isEmpty {
                _ = try await deleteInvites(ids: kept)
                summary += "; deleted \(kept.count) pending invite(s) stored with other letter case"
            }
            return summary
        }

        /// The note for an existing member whose private project access Roster cannot manage:
        /// `legacy` projects (the deprecated flag) and those whose access controls were unreadable.
        static func privateAccessResidual(legacy: [Int], unknown: [Int]) -> String? {
            var notes: [String] = []
            if !legacy.isEmpty {
                notes.append(
                    "access to legacy private project(s) \(list(legacy)) (access_control flag) is an explicit "
                        + "project membership in PostHog, which Roster does not manage")
            }
            if !unknown.isEmpty {
                notes.append(
                    "the access controls of project(s) \(list(unknown)) could not be read (the key needs "
                        + "access_control:read and :write): access to them, if private, was not checked")
            }
            return notes.isEmpty ? nil : "already an organization member: " + notes.joined(separator: "; ")
        }

        private static func list(_ ids: [Int]) -> String {
            ids.sorted().map(String.init).joined(separator: ", ")
        }
    }
}
