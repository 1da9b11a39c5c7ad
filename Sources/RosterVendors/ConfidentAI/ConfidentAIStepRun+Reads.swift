import Foundation

// MARK: - Reads through the directory

extension ConfidentAIClient {
    /// A copy of this client whose unreadable records go to `unreadable` (a directory load
    /// collects them for every step to judge, see ``DirectoryEntries``).
    func reading(into unreadable: UnreadableRecords) -> ConfidentAIClient {
        var copy = self
        copy.unreadable = unreadable
        return copy
    }
}

// MARK: - Loading the directory

extension ConfidentAIDirectory {
    /// Every project, listed at or after `notBefore`, with the records Roster could not read.
    func projects(
        notBefore: Date?, using client: ConfidentAIClient
    ) async throws -> DirectoryEntries<ConfidentAIProject> {
        try await projects.value(notBefore: notBefore) {
            try await DirectoryEntries.load { try await client.reading(into: $0).listProjects() }
        }
    }

    /// Every organization member (all pages), listed at or after `notBefore`.
    func members(notBefore: Date?, using client: ConfidentAIClient) async throws -> DirectoryEntries<ConfidentAIMember>
    {
        try await members.value(notBefore: notBefore) {
            try await DirectoryEntries.load { try await client.reading(into: $0).listOrganizationMembers() }
        }
    }

    /// The organization's invitations (pending and declined), listed at or after `notBefore`.
    func invitations(
        notBefore: Date?, using client: ConfidentAIClient
    ) async throws -> DirectoryEntries<ConfidentAIInvitation> {
        try await invitations.value(notBefore: notBefore) {
            try await DirectoryEntries.load { try await client.reading(into: $0).listOrganizationInvitations() }
        }
    }

    /// The members of `projectID`, with their project role, listed at or after `notBefore`.
    func members(
        of projectID: String, notBefore: Date?, using client: ConfidentAIClient
    ) async throws -> DirectoryEntries<ConfidentAIMember> {
        try await project(projectID).members.value(notBefore: notBefore) {
            try await DirectoryEntries.load {
                try await client.reading(into: $0).listProjectMembers(projectID: projectID)
            }
        }
    }

    /// The invitations of `projectID`, listed at or after `notBefore`.
    func invitations(
        of projectID: String, notBefore: Date?, using client: ConfidentAIClient
    ) async throws -> DirectoryEntries<ConfidentAIInvitation> {
        try await project(projectID).invitations.value(notBefore: notBefore) {
            try await DirectoryEntries.load {
                try await client.reading(into: $0).listProjectInvitations(projectID: projectID)
            }
        }
    }
}

// MARK: - Reads through the directory

extension ConfidentAIStepRun {
    /// Every project, listed at or after `floor` and this step's own requirement.
    func allProjects(notBefore floor: Date? = nil) async throws -> [ConfidentAIProject] {
        try await directory.projects(notBefore: Self.later(notBefore, floor), using: client)
            .admitted(by: client.unreadable, vendor: ConfidentAIClient.vendor)
    }

    /// Every organization member, listed at or after `floor` and this step's own requirement.
    func organizationMembers(notBefore floor: Date? = nil) async throws -> [ConfidentAIMember] {
        try await directory.members(notBefore: Self.later(notBefore, floor), using: client)
            .admitted(by: client.unreadable, vendor: ConfidentAIClient.vendor)
    }

    /// The organization's invitations, listed at or after `floor` and this step's requirement.
    func organizationInvitations(notBefore floor: Date? = nil) async throws -> [ConfidentAIInvitation] {
        try await directory.invitations(notBefore: Self.later(notBefore, floor), using: client)
            .admitted(by: client.unreadable, vendor: ConfidentAIClient.vendor)
    }

    /// The members of `projectID`, listed at or after this step's requirement.
    func projectMembers(of projectID: String) async throws -> [ConfidentAIMember] {
        try await directory.members(of: projectID, notBefore: notBefore, using: client)
            .admitted(by: client.unreadable, vendor: ConfidentAIClient.vendor)
    }

    /// The invitations of `projectID`, listed at or after this step's requirement.
    func projectInvitations(of projectID: String) async throws -> [ConfidentAIInvitation] {
        try await directory.invitations(of: projectID, notBefore: notBefore, using: client)
            .admitted(by: client.unreadable, vendor: ConfidentAIClient.vendor)
    }

    /// The organization member with the employee's address, looked up once per run.
    ///
    /// Someone already invited (the state shows `org_invited_at`) may have accepted behind
    /// Roster's back since any listing held was made: for them only a member listing started after
    /// their previous check is believed (``acceptanceFloor``).
    mutating func organizationMember() async throws -> ConfidentAIMember? {
        if let member { return member }
        let floor = acceptanceFloor
        let found = try await organizationMembers(notBefore: floor).first { $0.hasEmail(email) }
        member = .some(found)
        return found
    }

    /// The organization role called `name`. Roles are listed once per time to live whatever the
    /// step's freshness (Roster never changes them); a name not found is looked for once more
    /// in a new listing (a role created since) before it is refused.
    func organizationRole(named name: String) async throws -> ConfidentAIRole {
        let client = self.client
        let listing = directory.organizationRoles
        let load: DirectoryListing<DirectoryEntries<ConfidentAIRole>>.Load = {
            try await DirectoryEntries.load { try await client.reading(into: $0).listOrganizationRoles() }
        }
        let held = try await listing.value(load: load).admitted(by: client.unreadable, vendor: ConfidentAIClient.vendor)
        if let role = held.first(where: { $0.isNamed(name) }) { return role }
        let listed = try await listing.value(notBefore: startedAt, load: load)
            .admitted(by: client.unreadable, vendor: ConfidentAIClient.vendor)
        return try ConfidentAIClient.role(named: name, in: listed, scope: "organization")
    }

    /// The role of `projectID` called `name` (held roles, as ``organizationRole(named:)``). Owner
    /// is refused: Confident AI does not let it be invited to, and Roster never transfers
    /// ownership.
    func projectRole(named name: String, in projectID: String) async throws -> ConfidentAIRole {
        let role = try await Self.projectRole(
            named: name, in: projectID, client: client, directory: directory, listedAfter: startedAt)
        guard !role.isOwner else {
            throw Self.refusal("Roster does not grant the project Owner role (it would transfer ownership)")
        }
        return role
    }

    /// The role of `projectID` called `name`, from the directory's roles (listed again after
    /// `listedAfter` when the name is not held).
    static func projectRole(
        named name: String,
        in projectID: String,
        client: ConfidentAIClient,
        directory: ConfidentAIDirectory,
        listedAfter: Date
    ) async throws -> ConfidentAIRole {
        let listing = directory.project(projectID).roles
        let load: DirectoryListing<DirectoryEntries<ConfidentAIRole>>.Load = {
            try await DirectoryEntries.load {
                try await client.reading(into: $0).listProjectRoles(projectID: projectID)
            }
        }
        let held = try await listing.value(load: load).admitted(by: client.unreadable, vendor: ConfidentAIClient.vendor)
        if let role = held.first(where: { $0.isNamed(name) }) { return role }
        let listed = try await listing.value(notBefore: listedAfter, load: load)
            .admitted(by: client.unreadable, vendor: ConfidentAIClient.vendor)
        return try ConfidentAIClient.role(named: name, in: listed, scope: "project")
    }

    static func later(_ a: Date?, _ b: Date?) -> Date? {
        switch (a, b) {
        case (nil, let b): return b
        case (let a, nil): return a
        case (let a?, let b?): return max(a, b)
        }
    }
}

extension ConfidentAIStepRun {
    /// The member-listing floor for this run: `nil` for someone not yet invited; else the moment
    /// of the previous check that found them not yet a member (`org_checked_at`), or their
    /// invitation. A listing started after it shows any acceptance since, and the re-checks of
    /// every waiting joiner due by then share it, instead of one listing each from their own start
    /// (`ops/bench/run mixed`: 60 joiners waiting for acceptance kept Confident AI's whole budget
    /// busy listing members, and the other joiners waited behind them).
    var acceptanceFloor: Date? {
        guard let invited = state[.orgInvitedAt].flatMap(Double.init) else { return nil }
        let checked = state[.acceptanceCheckedAt].flatMap(Double.init) ?? invited
        return Date(timeIntervalSince1970: max(invited, checked))
    }
}
