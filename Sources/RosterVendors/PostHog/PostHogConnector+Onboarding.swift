import RosterCore

// MARK: - ensure_project, ensure_access, reconcile

extension PostHogConnector.Run {
    /// `ensure_project`: the project with exactly the step's name, created if missing.
    mutating func ensureProject() async throws -> StepOutcome {
        let name = try step.requiredProject(vendor: instance)
        let project = try await resolveProjects([name], key: { _ in .projectID })[name]!
        return StepOutcome(summary: project.created ? "created project \(project.id)" : "project \(project.id) exists")
    }

    /// `ensure_access`: a member's level is raised to the step's role when lower; anyone else
    /// gets a pending invite with the level and, for a private project, access to it.
    mutating func ensureAccess() async throws -> StepOutcome {
        let name = try step.requiredProject(vendor: instance)
        let level = try PostHogConnector.level(step.role, instance: instance)
        let project = try await resolveProjects([name], key: { _ in .projectID })[name]!
        let access =
            project.invitesNeedAccess ? [PostHogInvite.ProjectAccess(id: project.id, level: level.projectLevel)] : []

        if let batcher {
            return try await ensureAccessBatched(level: level, project: project, access: access, batcher: batcher)
        }
        if let member = try await member() {
            return try await ensureMemberAccess(member, level: level, project: project)
        }

        let pending = try await personsInvites().filter { !$0.isExpired }
        if let covering = pending.first(where: { $0.covers(level: level, projectAccess: access) }) {
            try await progress.learn(.inviteID, covering.id)
            return StepOutcome(summary: "invite \(covering.id) already pending")
        }
        let request = PostHogClient.combined(email: email, level: level, projectAccess: access, existing: pending)
        return StepOutcome(summary: try await invite(request, replacing: pending))
    }

    /// `ensure_access` through the ``InviteBatcher``: the look (members, invites, read from the
    /// directory) and the bulk call are shared with the other jobs of the batch; this job records
    /// its own result.
    ///
    /// The item carries this step's freshness floor (``ConnectorRun/notBefore``); the flush reads
    /// listings at least as recent as the latest floor of its items (``PostHogConnector/flush(_:client:directory:)``),
    /// so a resumed step or one the vendor contradicted sees new listings, and the others share
    /// them.
    private mutating func ensureAccessBatched(
        level: PostHogMembershipLevel,
        project: ProjectRef,
        access: [PostHogInvite.ProjectAccess],
        batcher: InviteBatcher<PostHogInviteItem, PostHogInviteItemOutcome>
    ) async throws -> StepOutcome {
        let (client, directory) = (self.client, self.directory)
        let item = PostHogInviteItem(email: email, level: level, projectAccess: access, notBefore: notBefore)
        // An address refused as "already belongs" contradicts the member listing the flush used.
        let outcome = try await mutation(decidedFrom: [.users, .invites], in: directory) {
            try await batcher.submit(item, key: "invites") { items in
                await PostHogConnector.flush(items, client: client, directory: directory)
            }
        }
        switch outcome {
        case .member(let member):
            try await progress.learn(.userUUID, member.user.uuid)
            return try await ensureMemberAccess(member, level: level, project: project)
        case .alreadyInvited(let id):
            try await progress.learn(.inviteID, id)
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
        let projects = try await resolveProjects(
            Set(grants.map(\.project)).sorted(), key: { StepStateKey.projectID.per($0) })
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

        let pending = try await personsInvites().filter { !$0.isExpired }
        guard let level else {
            return StepOutcome(summary: try await deleteInvites(ids: pending.map(\.id), nothingGranted: true))
        }
        let exact =
            pending.count == 1 && pending[0].level == level
            && Set(pending[0].privateProjectAccess ?? []) == Set(access)
        if exact {
            try await progress.learn(.inviteID, pending[0].id)
            return StepOutcome(summary: "invite \(pending[0].id) already matches the grants")
        }
        let request = PostHogInviteRequest(targetEmail: email, level: level, privateProjectAccess: access)
        return StepOutcome(summary: try await invite(request, replacing: pending))
    }

    // MARK: - Helpers

    /// `PATCH /members/{user_uuid}/` to `level`, checkpointed and audited.
    mutating func setLevel(of member: PostHogMember, to level: PostHogMembershipLevel) async throws -> String {
        // A 404 (the member left behind Roster's back) contradicts the member listing; a 400
        // (above the caller's own level, or the caller itself) is PostHog's answer.
        let updated = try await mutation(decidedFrom: [.users], in: directory, contradicts: { $0.status == 404 }) {
            try await client.updateMemberLevel(userUUID: member.user.uuid, level: level)
        }
        directory.changed(updated)
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
        for id in ids where !progress.state.contains(id, in: .deletedInvites) {
            let outcome = try await mutation(decidedFrom: [.invites], in: directory, contradicts: { _ in false }) {
                try await DeleteOutcome.of { try await client.deleteInvite(id: id) }
            }
            directory.deletedInvite(id: id)
            let record = AuditRecord(
                action: .deleteInvite,
                target: ["invite_id": id],
                outcome: outcome
            )
            try await progress.record(record) { $0.append(id, to: .deletedInvites) }
            count += 1
        }
        let deleted = count == 0 ? "no invites to delete" : "deleted \(count) invite(s)"
        return nothingGranted ? "\(deleted); nothing granted" : deleted
    }
}

// MARK: - Shared bulk invites

extension PostHogConnector {
    /// The flush of a batch of `ensure_access` invites (``InviteBatcher``): looks at the
    /// directory's member and invite listings instead of listing per batch, invites through
    /// ``PostHogClient/inviteItems(_:members:invites:)``, and applies what the bulk calls did to
    /// the directory.
    ///
    /// The listings are read at least as recent as the **latest** freshness floor of the batch's
    /// items. A listing started after the latest floor started after every item's floor, so one
    /// listing honours them all: a resumed step's item (or one whose step the vendor contradicted)
    /// makes the batch list anew once, and the items without a floor share that listing. A batch
    /// of items without floors lists nothing while the directory's listings are within their
    /// time to live. (Leavers' steps never come here: only `ensure_access` is batched.)
    static func flush(
        _ items: [PostHogInviteItem], client: PostHogClient, directory: PostHogDirectory
    ) async -> [Result<PostHogInviteItemOutcome, any Error>] {
        let floor = items.compactMap(\.notBefore).max()
        let members: LenientList<PostHogMember>
        let invites: LenientList<PostHogInvite>
        do {
            members = try await directory.members(notBefore: floor, using: client)
            invites = try await directory.invites(notBefore: floor, using: client)
        } catch {
            return items.map { _ in .failure(error) }
        }
        let results = await client.inviteItems(items, members: members, invites: invites)
        directory.recordBulk(results)
        return results
    }
}
