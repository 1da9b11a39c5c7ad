import RosterCore

// MARK: - reconcile

extension OpenAIConnector.Run {
    /// `reconcile`: the step's grants become exactly the person's projects and roles.
    ///
    /// Members: every active project is inspected; granted ones are joined or get the role,
    /// others are left — after the person's API keys there are deleted, as offboarding does.
    /// Non-members: their pending invite is made to carry exactly the grants (deleted when
    /// nothing is granted). Organization membership is never removed here.
    mutating func reconcile() async throws -> StepOutcome {
        let grants = try step.reconcileGrants(instance: instance)
        var wanted: [String: String] = [:]
        for grant in grants {
            let role = try OpenAIConnector.projectRole(grant.role, instance: instance)
            // Two grants for one project: the stronger role wins.
            wanted[grant.project] = wanted[grant.project] == "owner" ? "owner" : role
        }
        let projects = try await resolveProjects(wanted.keys.sorted(), key: { StepStateKey.projectID.per($0) })
        var desired: [String: String] = [:]
        for (name, role) in wanted {
            desired[projects[name]!.id] = role
        }

        guard let userID = try await userID() else {
            return try await ensureInvite(grants: desired, exact: true)
        }
        var changes: [String] = []
        var seen: Set<String> = []
        for project in try await listedProjects() where !project.isArchived {
            seen.insert(project.id)
            let current = try await listedMembers(of: project.id).first { $0.id == userID }?.role
            if let role = desired[project.id] {
                let change = try await ensureMembership(
                    userID: userID,
                    projectID: project.id,
                    role: role,
                    current: current
                )
                if let change { changes.append(change) }
            } else if current != nil {
                changes.append(try await leave(projectID: project.id, userID: userID))
            }
        }
        // A project created moments ago that the listing did not show yet.
        for (projectID, role) in desired.sorted(by: { $0.key < $1.key }) where !seen.contains(projectID) {
            let change = try await ensureMembership(userID: userID, projectID: projectID, role: role, current: nil)
            if let change { changes.append(change) }
        }
        return StepOutcome(
            summary: changes.isEmpty ? "access already matches the grants" : changes.joined(separator: "; ")
        )
    }

    /// Removes the person from one project, their keys there first.
    private mutating func leave(projectID: String, userID: String) async throws -> String {
        let keys = try await deleteKeys(in: projectID, userID: userID)
        let outcome = try await DeleteOutcome.of {
            _ = try await client.deleteProjectUser(projectID: projectID, userID: userID)
        }
        directory.removedMember(userID: userID, from: projectID)
        let record = AuditRecord(
            action: .removeProjectMember,
            target: ["project_id": projectID, "user_id": userID],
            outcome: outcome
        )
        try await progress.record(record) { $0.append(projectID, to: "removed_projects") }
        return keys > 0 ? "removed from \(projectID) (and \(keys) API key(s) there)" : "removed from \(projectID)"
    }
}
