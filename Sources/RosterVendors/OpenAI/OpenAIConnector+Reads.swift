import Foundation
import RosterCore

// MARK: - Loading the directory

extension OpenAIDirectory {
    /// Every project, archived ones included, listed at or after `notBefore`.
    func projects(notBefore: Date?, using client: OpenAIAdminClient) async throws -> LenientList<OpenAIProject> {
        try await projects.value(notBefore: notBefore) { try await client.projectListing(includeArchived: true) }
    }

    /// The members of `projectID`, listed at or after `notBefore`.
    func members(
        of projectID: String, notBefore: Date?, using client: OpenAIAdminClient
    ) async throws -> LenientList<OpenAIProjectUser> {
        try await projectMembers(projectID).value(notBefore: notBefore) {
            try await client.projectUserListing(projectID: projectID)
        }
    }

    /// Every invite (accepted and expired ones too), listed at or after `notBefore`.
    func invites(notBefore: Date?, using client: OpenAIAdminClient) async throws -> LenientList<OpenAIInvite> {
        try await invites.value(notBefore: notBefore) { try await client.inviteListing() }
    }

    /// Every organization user, listed at or after `notBefore`; the listing's cost is measured for
    /// ``userLookups``.
    func users(notBefore: Date?, using client: OpenAIAdminClient) async throws -> LenientList<OpenAIUser> {
        try await users.value(notBefore: notBefore) { [userLookups] in
            let counting = CountingTransport(base: client.transport)
            var counted = OpenAIAdminClient(transport: counting, policy: client.policy)
            counted.instance = client.instance
            counted.logger = client.logger
            let listing = try await counted.userListing()
            userLookups.listingCost(counting.requests)
            return listing
        }
    }
}

// MARK: - Reads through the directory

extension OpenAIConnector.Run {
    /// Every project, archived ones included, listed at or after `notBefore` (and this step's own
    /// requirement).
    func listedProjects(notBefore floor: Date? = nil) async throws -> [OpenAIProject] {
        try await directory.projects(notBefore: notBefore(atLeast: floor), using: client).items
    }

    /// The members of one project.
    func listedMembers(of projectID: String) async throws -> [OpenAIProjectUser] {
        try await directory.members(of: projectID, notBefore: notBefore, using: client).items
    }

    /// The person's pending invites (OpenAI has no filter: the directory's invite listing).
    ///
    /// - Throws: A permanent ``VendorError`` when an invite naming the person could not be read.
    func pendingInvites() async throws -> [OpenAIInvite] {
        let listing = try await directory.invites(notBefore: notBefore, using: client)
        try client.refuseUnreadable(listing.unreadable, concerning: email, what: "invite")
        return listing.items.filter { $0.isPending && $0.hasEmail(email) }
    }

    /// The organization member with the person's address, or `nil`.
    ///
    /// The cheaper way by measured cost (``LookupCost``): with a backlog, the directory's user
    /// listing; else `emails[]=<address>`, whose answer also updates the directory. With
    /// `fullListing`, a filtered miss is checked against a listing of every user made after the
    /// step's freshness floor (the filter's letter-case handling is not documented).
    func lookUpUser(fullListing: Bool) async throws -> OpenAIUser? {
        if !mustLookAgain, directory.userLookups.lookUp() {
            let listing = try await listedUsers(notBefore: notBefore)
            try client.refuseUnreadable(listing.unreadable, concerning: email, what: "user")
            return listing.items.first { $0.hasEmail(email) }
        }
        let filtered = try await client.userListing(emails: [email])
        try client.refuseUnreadable(filtered.unreadable, concerning: email, what: "user")
        if let user = filtered.items.first(where: { $0.hasEmail(email) }) {
            directory.looked(up: email, found: user)
            return user
        }
        guard fullListing else { return nil }
        let listing = try await listedUsers(notBefore: notBefore ?? Date())
        try client.refuseUnreadable(listing.unreadable, concerning: email, what: "user")
        return listing.items.first { $0.hasEmail(email) }
    }

    /// Every organization user, listed at or after `notBefore`; the listing's cost is measured for
    /// ``LookupCost``.
    private func listedUsers(notBefore: Date?) async throws -> LenientList<OpenAIUser> {
        try await directory.users(notBefore: notBefore, using: client)
    }
}
