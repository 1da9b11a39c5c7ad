import RosterCore

// MARK: - Granting access

extension RelevanceAIStepRun {
    /// `ensure_project`.
    mutating func ensureProject(named name: String) async throws -> StepOutcome {
        if let id = state["project_id"] {
            return StepOutcome(summary: "project \(id) ready (from checkpoint)")
        }
        let (project, created) = try await resolveProject(named: name)
        return StepOutcome(summary: created ? "created project \(project.id)" : "project \(project.id) exists")
    }

    /// `ensure_access`.
    mutating func ensureAccess(project name: String, role: RelevanceAIRole) async throws -> StepOutcome {
        let project = try await resolveProject(named: name).project
        return StepOutcome(summary: try await grantAccess(to: project.id, role: role))
    }

    /// `reconcile`: every grant applied, then access to every other project removed.
    mutating func reconcile(_ grants: [(project: String, role: RelevanceAIRole)]) async throws -> StepOutcome {
        var notes: [String] = []
        var granted: Set<String> = []
        for grant in grants.sorted(by: { $0.project < $1.project }) {
            let project = try await resolveProject(named: grant.project).project
            granted.insert(project.id)
            notes.append(try await grantAccess(to: project.id, role: grant.role))
        }
        for project in try await allProjects() where !granted.contains(project.id) {
            notes += try await revokeInvites(in: project.id)
            if let note = try await removeMembership(from: project.id) {
                notes.append(note)
            }
        }
        return StepOutcome(summary: notes.isEmpty ? "no grants and no access to remove" : notes.joined(separator: "; "))
    }

    /// Makes the employee a user of `projectID` with `role`, or leaves an invite that will.
    private mutating func grantAccess(to projectID: String, role: RelevanceAIRole) async throws -> String {
        if let user = try await user(in: projectID) {
            if user.permissions?.role == role {
                return "user \(user.id) in \(projectID) as \(role) already"
            }
            try await client.updateUser(id: user.id, role: role, overwrite: true, project: projectID)
            forgetUser(in: projectID)
            try await record("update_role", ["project_id": projectID, "user_id": user.id, "role": role.action]) {
                $0["user_id"] = user.id
            }
            return "changed role of \(user.id) in \(projectID) to \(role)"
        }
        let pending = try await client.listInvites(project: projectID).filter { $0.hasEmail(email) }
        if let invite = pending.first(where: { $0.permissions?.role == role }) {
            return "invite \(invite.code) to \(projectID) as \(role) pending"
        }
        for stale in pending {
            // Relevance AI cannot change an invite's role: delete it, then invite again.
            let outcome = try await DeleteOutcome.of {
                try await client.deleteInvite(code: stale.code, project: projectID)
            }.rawValue
            try await record("delete_invite", ["project_id": projectID, "invite_code": stale.code], outcome: outcome) {
                $0.append("\(projectID):\(stale.code)", to: "deleted_invites")
            }
        }
        let code = try await client.createInvite(email: email, role: role, project: projectID)
        forgetUser(in: projectID)
        try await record("create_invite", ["project_id": projectID, "invite_code": code, "role": role.action]) {
            $0["invite_code"] = code
        }
        return "invited to \(projectID) as \(role)"
    }
}

// MARK: - Revoking access

extension RelevanceAIStepRun {
    /// `revoke_invites`: every project's pending invites for the address.
    mutating func revokeInvites() async throws -> StepOutcome {
        var notes: [String] = []
        for project in try await allProjects() {
            notes += try await revokeInvites(in: project.id)
        }
        return StepOutcome(summary: notes.isEmpty ? "no pending invites" : notes.joined(separator: "; "))
    }

    private mutating func revokeInvites(in projectID: String) async throws -> [String] {
        var notes: [String] = []
        for invite in try await client.listInvites(project: projectID) where invite.hasEmail(email) {
            let key = "\(projectID):\(invite.code)"
            guard !state.contains(key, in: "deleted_invites") else { continue }
            let outcome = try await DeleteOutcome.of {
                try await client.deleteInvite(code: invite.code, project: projectID)
            }.rawValue
            try await record("delete_invite", ["project_id": projectID, "invite_code": invite.code], outcome: outcome) {
                $0.append(key, to: "deleted_invites")
            }
            notes.append("revoked invite \(invite.code) to \(projectID)")
        }
        return notes
    }

    /// `revoke_api_keys`: the user's keys in every project they are in.
    mutating func revokeAPIKeys() async throws -> StepOutcome {
        var deleted = 0
        var found = false
        for project in try await allProjects() {
            guard let user = try await user(in: project.id) else { continue }
            found = true
            for key in try await client.listAPIKeys(userID: user.id, project: project.id)
            where !state.contains(key.id, in: "deleted_keys") {
                let outcome = try await DeleteOutcome.of {
                    try await client.deleteAPIKey(id: key.id, userID: user.id, project: project.id)
                }.rawValue
                try await record(
                    "delete_api_key",
                    ["project_id": project.id, "user_id": user.id, "key_id": key.id],
                    outcome: outcome
                ) {
                    $0["user_id"] = user.id
                    $0.append(key.id, to: "deleted_keys")
                }
                deleted += 1
            }
        }
        if !found { return StepOutcome(summary: "not a user of any project: no API keys found") }
        return StepOutcome(summary: deleted == 0 ? "no API keys" : "deleted \(deleted) API key(s)")
    }

    /// `remove_project_memberships`: once per project they are in; projects done by an earlier
    /// attempt (`removed_from`) are skipped without a call.
    mutating func removeProjectMemberships() async throws -> StepOutcome {
        var notes: [String] = []
        for project in try await allProjects() where !state.contains(project.id, in: "removed_from") {
            if let note = try await removeMembership(from: project.id) {
                notes.append(note)
            }
        }
        return StepOutcome(summary: notes.isEmpty ? "no project memberships" : notes.joined(separator: "; "))
    }

    /// Removes the employee from `projectID` when they are a user there; `nil` when not.
    private mutating func removeMembership(from projectID: String) async throws -> String? {
        guard let user = try await user(in: projectID) else { return nil }
        let outcome = try await DeleteOutcome.of { try await client.removeUser(id: user.id, project: projectID) }.rawValue
        forgetUser(in: projectID)
        try await record("remove_member", ["project_id": projectID, "user_id": user.id], outcome: outcome) {
            $0["user_id"] = user.id
            $0.append(projectID, to: "removed_from")
        }
        return "removed \(user.id) from \(projectID)"
    }
}
