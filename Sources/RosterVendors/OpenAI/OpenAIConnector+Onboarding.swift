import RosterCore

// MARK: - ensure_project, ensure_access

extension OpenAIConnector.Run {
    /// `ensure_project`: the active project with the step's name, created if missing.
    mutating func ensureProject() async throws -> StepOutcome {
        let name = try step.requiredProject(vendor: instance)
        let project = try await resolveProjects([name], key: { _ in .projectID })[name]!
        guard project.created else {
            return StepOutcome(summary: "project \(project.id) exists")
        }
        let note = project.archivedNamesake ? " (a project with that name is archived and was left alone)" : ""
        return StepOutcome(summary: "created project \(project.id)\(note)")
    }

    /// `ensure_access`: a member joins the project (or gets the role there); anyone else gets a
    /// pending invite carrying the project and role.
    mutating func ensureAccess() async throws -> StepOutcome {
        let name = try step.requiredProject(vendor: instance)
        let role = try OpenAIConnector.projectRole(step.role, instance: instance)
        let project = try await resolveProjects([name], key: { _ in .projectID })[name]!
        if let userID = try await userID() {
            let members = try await listedMembers(of: project.id)
            let current = members.first { $0.id == userID }?.role
            let change = try await ensureMembership(userID: userID, projectID: project.id, role: role, current: current)
            return StepOutcome(summary: change ?? "already \(role) of \(project.id)")
        }
        return try await ensureInvite(grants: [project.id: role], exact: false)
    }

    // MARK: - Invites

    /// Makes the person's pending invite carry `grants` (project id → role).
    ///
    /// With `exact == false` the invite keeps the projects it already had and `grants` are added;
    /// with `exact == true` it carries exactly `grants`, and an empty `grants` deletes every
    /// pending invite. OpenAI keeps one pending invite per address, so a different set of grants
    /// means deleting the old invite and creating a new one. The planned grants are checkpointed
    /// (`invite_grants`) before the delete, so a resumed attempt recreates all of them.
    mutating func ensureInvite(grants: [String: String], exact: Bool) async throws -> StepOutcome {
        let pending = try await pendingInvites()
        var desired: [String: String] = [:]
        if !exact {
            desired = Self.decodeGrants(progress.state.lists["invite_grants"] ?? [])
            for invite in pending {
                for grant in invite.projects ?? [] { desired[grant.id] = grant.role }
            }
        }
        desired.merge(grants) { _, new in new }

        if pending.count == 1, Self.grants(of: pending[0]) == desired {
            try await progress.learn("invite_id", pending[0].id)
            return StepOutcome(
                summary: desired.isEmpty ? "no pending invite" : "invite \(pending[0].id) already pending"
            )
        }
        if !desired.isEmpty {
            try await progress.save { $0.lists["invite_grants"] = Self.encodeGrants(desired) }
        }
        for invite in pending where !progress.state.contains(invite.id, in: "deleted_invites") {
            let outcome = try await DeleteOutcome.of { _ = try await client.deleteInvite(id: invite.id) }
            directory.deletedInvite(id: invite.id)
            let record = AuditRecord(
                action: .deleteInvite,
                target: ["invite_id": invite.id],
                outcome: outcome
            )
            try await progress.record(record) { $0.append(invite.id, to: "deleted_invites") }
        }
        guard !desired.isEmpty else {
            let deleted = pending.isEmpty ? "no pending invite" : "deleted \(pending.count) pending invite(s)"
            return StepOutcome(summary: "\(deleted); nothing granted")
        }
        let role = pending.contains { $0.role == "owner" } ? "owner" : organizationRole
        let projects = desired.sorted { $0.key < $1.key }.map { OpenAIInvite.ProjectGrant(id: $0.key, role: $0.value) }
        let created = try await mutation(decidedFrom: .invites, .users, in: directory) {
            try await client.createInvite(email: email, role: role, projects: projects)
        }
        directory.created(created)
        let record = AuditRecord(
            action: .createInvite,
            target: [
                "invite_id": created.id,
                "role": role,
                "projects": projects.map { "\($0.id):\($0.role)" }.joined(separator: ","),
            ]
        )
        try await progress.record(record) { $0["invite_id"] = created.id }
        let listed = projects.map { "\($0.id) (\($0.role))" }.joined(separator: ", ")
        let verb = pending.isEmpty ? "invited" : "replaced invite; invited"
        return StepOutcome(summary: "\(verb) as \(role) to \(listed)")
    }

    /// An invite's grants as project id → role.
    static func grants(of invite: OpenAIInvite) -> [String: String] {
        Dictionary((invite.projects ?? []).map { ($0.id, $0.role) }, uniquingKeysWith: { _, last in last })
    }

    /// `proj_1=member` items, as checkpointed.
    static func encodeGrants(_ grants: [String: String]) -> [String] {
        grants.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// The inverse of ``encodeGrants(_:)``; malformed items are skipped.
    static func decodeGrants(_ items: [String]) -> [String: String] {
        var grants: [String: String] = [:]
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { grants[String(parts[0])] = String(parts[1]) }
        }
        return grants
    }
}
