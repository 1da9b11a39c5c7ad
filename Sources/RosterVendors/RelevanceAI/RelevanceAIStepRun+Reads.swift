import Foundation
import RosterCore

// MARK: - Loading the directory

extension RelevanceAIDirectory {
    /// Every project, listed (under `home`'s header) at or after `notBefore`, with the records
    /// Roster could not read.
    func projects(
        notBefore: Date?, home: String, using client: RelevanceAIClient
    ) async throws -> DirectoryEntries<RelevanceAIProject> {
        try await projects.value(notBefore: notBefore) {
            try await DirectoryEntries.load { unreadable in
                try await client.reading(through: client.transport, unreadable: unreadable).listProjects(project: home)
            }
        }
    }

    /// The pending invites of `projectID`, listed at or after `notBefore`.
    func invites(
        in projectID: String, notBefore: Date?, using client: RelevanceAIClient
    ) async throws -> DirectoryEntries<RelevanceAIInvite> {
        try await project(projectID).invites.value(notBefore: notBefore) {
            try await DirectoryEntries.load { unreadable in
                try await client.reading(through: client.transport, unreadable: unreadable).listInvites(
                    project: projectID)
            }
        }
    }

    /// Every user of `projectID`, listed at or after `notBefore`; the listing's cost is measured
    /// for the project's ``ProjectListings/userLookups``.
    func users(
        of projectID: String, notBefore: Date?, using client: RelevanceAIClient
    ) async throws -> DirectoryEntries<RelevanceAIUser> {
        let listings = project(projectID)
        return try await listings.users.value(notBefore: notBefore) {
            let counting = CountingTransport(base: client.transport)
            let listing = try await DirectoryEntries.load { unreadable in
                try await client.reading(through: counting, unreadable: unreadable).listUsers(project: projectID)
            }
            listings.userLookups.listingCost(counting.requests)
            return listing
        }
    }
}

// MARK: - Reads through the directory

extension RelevanceAIStepRun {
    /// Every project, listed (under the default project's header) at or after `floor` and this
    /// step's own requirement.
    func allProjects(notBefore floor: Date? = nil) async throws -> [RelevanceAIProject] {
        try await directory.projects(notBefore: Self.later(notBefore, floor), home: defaultProjectID, using: client)
            .admitted(by: client.unreadable, vendor: RelevanceAIClient.vendor)
    }

    /// The pending invites of `projectID`, listed at or after `floor` and this step's own
    /// requirement.
    func invites(in projectID: String, notBefore floor: Date? = nil) async throws -> [RelevanceAIInvite] {
        try await directory.invites(in: projectID, notBefore: Self.later(notBefore, floor), using: client)
            .admitted(by: client.unreadable, vendor: RelevanceAIClient.vendor)
    }

    /// The employee as a user of `projectID` (as that project's header lists them), or `nil`;
    /// looked up once per run.
    ///
    /// The cheaper way by measured cost (``LookupCost``): the project's user listing when the
    /// directory holds one fresh enough or a backlog makes it cheaper; else `email_search`,
    /// whose answer also updates the directory. The search is a case-sensitive substring match,
    /// so when it finds nobody (and the address has letters) the project's user listing decides,
    /// and `Ada@Example.com` is still found for `ada@example.com`.
    mutating func user(in projectID: String) async throws -> RelevanceAIUser? {
        if let known = users[projectID] { return known }
        let found = try await lookUpUser(in: projectID)
        users[projectID] = .some(found)
        return found
    }

    private func lookUpUser(in projectID: String) async throws -> RelevanceAIUser? {
        let listings = directory.project(projectID)
        if !mustLookAgain, listings.users.current(notBefore: notBefore) != nil || listings.userLookups.lookUp() {
            return try await listedUsers(of: projectID).first { $0.hasEmail(email) }
        }
        let searched = try await client.listUsers(emailSearch: email, project: projectID)
        if let user = searched.first(where: { $0.hasEmail(email) }) {
            directory.looked(up: email, found: user, in: projectID)
            return user
        }
        guard email.contains(where: \.isLetter) else { return nil }
        return try await listedUsers(of: projectID).first { $0.hasEmail(email) }
    }

    /// Every user of `projectID`, listed at or after this step's requirement; the listing's cost
    /// is measured for ``LookupCost``.
    private func listedUsers(of projectID: String) async throws -> [RelevanceAIUser] {
        try await directory.users(of: projectID, notBefore: notBefore, using: client)
            .admitted(by: client.unreadable, vendor: RelevanceAIClient.vendor)
    }

    static func later(_ a: Date?, _ b: Date?) -> Date? {
        switch (a, b) {
        case (nil, let b): return b
        case (let a, nil): return a
        case (let a?, let b?): return max(a, b)
        }
    }
}
