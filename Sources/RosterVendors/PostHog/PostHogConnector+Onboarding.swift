import RosterCore

// MARK: - ensure_project, ensure_access, reconcile

extension PostHogConnector.Run {
    /// `ensure_project`: the project with exactly the step's name, created if missing.
    mutating func ensureProject() async throws -> StepOutcome {
        let name = try step.requiredProject(vendor: instance)
        let project = try await resolveProjects([name], key: { _ in "project_id" })[name]!
        return StepOutcome(summary: project.created ? "created project \(project.id)" : "project \(project.id) exists")
    }

    /// `ensure_access`: a member's level is raised to the step's role when lower; anyone else
    /// gets a pending invite with the level and, for a private project, access to it.
    mutating func ensureAccess() async throws -> StepOutcome {
        let name = try step.requiredProject(vendor: instance)
        let level = try PostHogConnector.level(step.role, instance: instance)
        let project = try await resolveProjects([name], key: { _ in "project_id" })[name]!
        let access =
            project.invitesNeedAccess ? [PostHogInvite.ProjectAccess(id: project.id, level: level.projectLevel)] : []

        if let batcher {
            return try await ensureAccessBatched(level: level, project: project, access: access, batcher: batcher)
        }
        if let member = try await member() {
            return try await ensureMemberAccess(member, level: level, project: project)
        }

        let pending = try await client.invites(email: email).filter { !$0.isExpired }
        if let covering = pending.first(where: { $0.covers(level: level, projectAccess: access) }) {
            try await progress.learn("invite_id", covering.id)
            return StepOutcome(summary: "invite \(covering.id) already pending")
        }
        let request = PostHogClient.combined(email: email, level: level, projectAccess: access, existing: pending)
        return StepOutcome(summary: try await invite(request, replacing: pending))
    }

    /// `ensure_access` through the ``InviteBatcher``: the look (members, invites) and the bulk
    /// call are shared with the other jobs of the batch; this job records its own result.
    private mutating func ensureAccessBatched(
        level: PostHogMembershipLevel,
        project: ProjectRef,
        access: [PostHogInvite.ProjectAccess],
        batcher: InviteBatcher<PostHogInviteItem, PostHogInviteItemOutcome>
    ) async throws -> StepOutcome {
        let client = self.client
        let item = PostHogInviteItem(email: email, level: level, projectAccess: access)
        let outcome = try await batcher.submit(item, key: "invites") { items in await client.inviteItems(items) }
        switch outcome {
        case .member(let member):
            try await progress.learn("user_uuid", member.user.uuid)
            return try await ensureMemberAccess(member, level: level, project: project)
        case .alreadyInvited(let id):
            try await progress.learn("invite_id", id)
            return StepOutcome(summary: "invite \(id) already pending")
        case .invited(let id, let request, let replaced, let kept, let bulkSize):
            let summary = try await recordInvite(
                request, inviteID: id, replaced: replaced, kept: kept, bulkSize: bulkSize)
            return StepOutcome(summary: summary)
        }
    }

    /// An organization member's `ensure_access`: the level raised when lower, never lowered; a
    /// private project's access-control record for them created or raised, never lowered.
    private mutating func ensureMemberAccess(
        _ member: PostHogMember, level: PostHogMembershipLevel, project: ProjectRef
    ) async throws -> StepOutcome {
        var changes: [String] = []
        if member.level < level {
            changes.append(try await setLevel(of: member, to: level))
        }
        var residual: String?
        switch project.privacy {
        case .accessControl:
            let change = try await ensureProjectAccess(
                member, projectID: project.id, level: level.projectLevel, exact: false)
            if let change { changes.append(change) }
        case .legacyFlag: residual = Self.privateAccessResidual(legacy: [project.id], unknown: [])
        case .unknown: residual = Self.privateAccessResidual(legacy: [], unknown: [project.id])
        case .open: break
        }
        let summary = changes.isEmpty ? "already a member as \(member.level)" : changes.joined(separator: "; ")
        return StepOutcome(summary: summary, residual: residual)
    }

    /// `reconcile`: the grants become the person's access. Members get the highest granted
    /// level (an owner is left alone); non-members get one invite granting exactly the level
    /// and private projects (their pending invites are deleted when nothing is granted).
    mutating func reconcile() async throws -> StepOutcome {
        let grants = try step.reconcileGrants(instance: instance)
        let projects = try await resolveProjects(Set(grants.map(\.project)).sorted(), key: { "project_id:\($0)" })
        var level: PostHogMembershipLevel?
        var access: [PostHogInvite.ProjectAccess] = []
        for grant in grants {
            let granted = try PostHogConnector.level(grant.role, instance: instance)
            level = max(level ?? granted, granted)
            if let project = projects[grant.project], project.invitesNeedAccess {
                access = PostHogInvite.ProjectAccess.union(access, [.init(id: project.id, level: granted.projectLevel)])
            }
        }

        if let member = try await member() {
            return try await reconcileMember(member, level: level, access: access, projects: Array(projects.values))
        }

        let pending = try await client.invites(email: email).filter { !$0.isExpired }
        guard let level else {
            return StepOutcome(summary: try await deleteInvites(ids: pending.map(\.id), nothingGranted: true))
        }
        let exact =
            pending.count == 1 && pending[0].level == level
            && Set(pending[0].privateProjectAccess ?? []) == Set(access)
        if exact {
            try await progress.learn("invite_id", pending[0].id)
            return StepOutcome(summary: "invite \(pending[0].id) already matches the grants")
        }
        let request = PostHogInviteRequest(targetEmail: email, level: level, privateProjectAccess: access)
        return StepOutcome(summary: try await invite(request, replacing: pending))
    }

    // MARK: - Helpers

    /// `PATCH /members/{user_uuid}/` to `level`, checkpointed and audited.
    mutating func setLevel(of member: PostHogMember, to level: PostHogMembershipLevel) async throws -> String {
        _ = try await client.updateMemberLevel(userUUID: member.user.uuid, level: level)
        let record = AuditRecord(
            action: .changeOrganizationRole,
            target: ["user_uuid": member.user.uuid, "level": String(level.rawValue)]
        )
        try await progress.record(record)
        return "changed level from \(member.level) to \(level)"
    }

    /// Deletes the invites `ids` (skipping those already in `deleted_invites`), checkpointed and
    /// audited.
    mutating func deleteInvites(ids: [String], nothingGranted: Bool = false) async throws -> String {
        var count = 0
        for id in ids where !progress.state.contains(id, in: "deleted_invites") {
            let outcome = try await DeleteOutcome.of { try await client.deleteInvite(id: id) }
            let record = AuditRecord(
                action: .deleteInvite,
                target: ["invite_id": id],
                outcome: outcome
            )
            try await progress.record(record) { $0.append(id, to: "deleted_invites") }
            count += 1
        }
        let deleted = count == 0 ? "no invites to delete" : "deleted \(count) invite(s)"
        return nothingGranted ? "\(deleted); nothing granted" : deleted
    }
}
