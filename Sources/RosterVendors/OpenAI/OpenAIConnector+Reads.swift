import Foundation
import RosterCore

// MARK: - Reads through the directory

extension OpenAIConnector.Run {
    /// Every project, archived ones included, listed at or after `notBefore` (and this step's own
    /// requirement).
    func listedProjects(notBefore floor: Date? = nil) async throws -> [OpenAIProject] {
        let client = self.client
        return try await directory.projects.value(notBefore: notBefore(atLeast: floor)) {
            try await client.listProjects(includeArchived: true)
        }
    }

    /// The members of one project.
    func listedMembers(of projectID: String) async throws -> [OpenAIProjectUser] {
        let client = self.client
        return try await directory.projectMembers(projectID).value(notBefore: notBefore) {
            try await client.listProjectUsers(projectID: projectID)
        }
    }

    /// The person's pending invites (OpenAI has no filter: the directory's invite listing).
    ///
    /// - Throws: A permanent ``VendorError`` when an invite naming the person could not be read.
    func pendingInvites() async throws -> [OpenAIInvite] {
        let client = self.client
        let listing = try await directory.invites.value(notBefore: notBefore) { try await client.inviteListing() }
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
        let (directory, client) = (self.directory, self.client)
        return try await directory.users.value(notBefore: notBefore) {
            let counting = CountingTransport(base: client.transport)
            var counted = OpenAIAdminClient(transport: counting, policy: client.policy)
            counted.instance = client.instance
            counted.logger = client.logger
            let listing = try await counted.userListing()
            directory.userLookups.listingCost(counting.requests)
            return listing
        }
    }
}
