import RosterCore

// MARK: - Members' access to private projects

extension PostHogConnector.Run {
    /// Gives an organization member `level` on the private project `projectID` through its
    /// access-control endpoint. With `exact == false` an existing record at that level or higher
    /// is left alone (ensure_access never lowers); with `exact == true` the record is made `level`.
    ///
    /// - Returns: What changed, or `nil` when nothing had to.
    mutating func ensureProjectAccess(
        _ member: PostHogMember, projectID: Int, level: PostHogProjectAccessLevel, exact: Bool
    ) async throws -> String? {
        // Unreadable records: no level known; the change is tried, and PostHog says why not.
        let current = try await accessControls(of: projectID)?.level(ofMember: member.id)
        if let current, exact ? current == level : current >= level { return nil }
        return try await setProjectAccess(member, projectID: projectID, from: current, to: level)
    }

    /// An organization member's `reconcile`: the level becomes the highest granted (an owner is
    /// left alone), and the member's access-control records on private projects become exactly
    /// `access` — created or changed where granted, removed where not.
    mutating func reconcileMember(
        _ member: PostHogMember,
        level: PostHogMembershipLevel?,
        access: [PostHogInvite.ProjectAccess],
        projects: [ProjectRef]
    ) async throws -> StepOutcome {
        var changes: [String] = []
        var notes: [String] = []
        if let level, level != member.level {
            if member.level == .owner {
                notes.append("an owner's level is not lowered by reconcile; change it in PostHog if intended")
            } else {
                changes.append(try await setLevel(of: member, to: level))
            }
        }
        let granted = Set(access.map(\.id))
        var wanted: [Int: PostHogProjectAccessLevel] = [:]
        for grant in access where projects.contains(where: { $0.id == grant.id && $0.privacy == .accessControl }) {
            wanted[grant.id] = grant.level
        }
        changes += try await reconcileProjectAccess(member, wanted: wanted)

        let legacy = projects.filter { $0.privacy == .legacyFlag && granted.contains($0.id) }.map(\.id)
        let unknown = projects.filter { $0.privacy == .unknown && granted.contains($0.id) }.map(\.id)
        if let residual = Self.privateAccessResidual(legacy: legacy, unknown: unknown) { notes.append(residual) }
        let residual = notes.isEmpty ? nil : notes.joined(separator: "; ")

        guard changes.isEmpty else { return StepOutcome(summary: changes.joined(separator: "; "), residual: residual) }
        if level == nil {
            return StepOutcome(summary: "nothing granted: level and organization membership kept", residual: residual)
        }
        if member.level == .owner, level != .owner {
            return StepOutcome(summary: "left owner level alone", residual: residual)
        }
        return StepOutcome(summary: "level and private project access already match the grants", residual: residual)
    }

    /// Makes the member's records on every private project (the current model) match `wanted`.
    /// Reads the projects and each one's access controls through the directory (one call per
    /// project when not held): PostHog has no listing of one member's records.
    private mutating func reconcileProjectAccess(
        _ member: PostHogMember, wanted: [Int: PostHogProjectAccessLevel]
    ) async throws -> [String] {
        var changes: [String] = []
        var seen: Set<Int> = []
        for project in try await listedProjects() where project.accessControl != true {
            seen.insert(project.id)
            guard let controls = try await accessControls(of: project.id), controls.makePrivate else { continue }
            let current = controls.level(ofMember: member.id)
            if let level = wanted[project.id] {
                if current != level {
                    changes.append(try await setProjectAccess(member, projectID: project.id, from: current, to: level))
                }
            } else if let current, current != .none {
                changes.append(try await setProjectAccess(member, projectID: project.id, from: current, to: nil))
            }
        }
        // A project the listing did not show yet (created moments ago).
        for (projectID, level) in wanted.sorted(by: { $0.key < $1.key }) where !seen.contains(projectID) {
            if let change = try await ensureProjectAccess(member, projectID: projectID, level: level, exact: true) {
                changes.append(change)
            }
        }
        return changes
    }

    /// `PUT /projects/{id}/access_controls/` for the member (`nil` removes the record),
    /// checkpointed and audited.
    private mutating func setProjectAccess(
        _ member: PostHogMember, projectID: Int, from current: PostHogProjectAccessLevel?,
        to level: PostHogProjectAccessLevel?
    ) async throws -> String {
        // 400 for an unknown membership (removed behind Roster's back) contradicts the listings.
        try await mutation(decidedFrom: [.users, .accessControls(projectID)], in: directory) {
            try await client.setProjectAccess(projectID: projectID, memberID: member.id, level: level)
        }
        directory.setProjectAccess(projectID: projectID, memberID: member.id, level: level)
        let record = AuditRecord(
            action: level == nil ? .removeProjectMember : .changeProjectRole,
            target: [
                "project_id": String(projectID), "member_id": member.id, "user_uuid": member.user.uuid,
                "level": level?.rawValue ?? "removed",
            ]
        )
        try await progress.record(record)
        guard let level else { return "removed access to private project \(projectID)" }
        let was = current.map { " (was \($0))" } ?? ""
        return "gave access to private project \(projectID) as \(level)\(was)"
    }
}
