import Foundation
import Logging
import RosterCore

// MARK: - Loading the directory

extension PostHogDirectory {
    /// Every project, listed at or after `notBefore`, with the records Roster could not read.
    func projects(notBefore: Date?, using client: PostHogClient) async throws -> LenientList<PostHogProject> {
        try await projects.value(notBefore: notBefore) { try await client.projectListing() }
    }

    /// Every member, listed at or after `notBefore`; the listing's cost is measured for
    /// ``memberLookups``.
    func members(notBefore: Date?, using client: PostHogClient) async throws -> LenientList<PostHogMember> {
        try await members.value(notBefore: notBefore) { [memberLookups] in
            let counting = CountingTransport(base: client.transport)
            let listing = try await client.over(counting).memberListing()
            memberLookups.listingCost(counting.requests)
            return listing
        }
    }

    /// Every invite (expired ones too), listed at or after `notBefore`.
    func invites(notBefore: Date?, using client: PostHogClient) async throws -> LenientList<PostHogInvite> {
        try await invites.value(notBefore: notBefore) { try await client.inviteListing() }
    }

    /// The access-control records of `projectID`, listed at or after `notBefore`; `nil` when
    /// PostHog answers 403 or 404 (the key lacks `access_control:read`, or the plan has none).
    func accessControls(
        of projectID: Int, notBefore: Date?, using client: PostHogClient
    ) async throws -> PostHogAccessControls? {
        try await projectAccessControls(projectID).value(notBefore: notBefore) {
            do {
                return try await client.projectAccessControls(projectID: projectID)
            } catch let error as VendorError where error.status == 403 || error.status == 404 {
                return nil
            }
        }
    }
}

extension PostHogClient {
    /// This client over another transport (one that counts a listing's requests).
    func over(_ transport: any VendorTransport) -> PostHogClient {
        var client = PostHogClient(
            transport: transport, organizationID: organizationID, basePath: basePath, policy: policy, now: now)
        client.instance = instance
        client.logger = logger
        return client
    }
}

// MARK: - Reads through the directory

extension PostHogConnector.Run {
    /// The project named exactly `name` (the lowest id when several are), from a listing made at
    /// or after `floor` (and this step's own requirement), or `nil`.
    func project(named name: String, notBefore floor: Date? = nil) async throws -> PostHogProject? {
        try await directory.projects(notBefore: notBefore(atLeast: floor), using: client).items
            .filter { $0.name == name }.min { $0.id < $1.id }
    }

    /// Every project.
    func listedProjects() async throws -> [PostHogProject] {
        try await directory.projects(notBefore: notBefore, using: client).items
    }

    /// The access-control records of `projectID`; `nil` when they cannot be read.
    func accessControls(of projectID: Int) async throws -> PostHogAccessControls? {
        try await directory.accessControls(of: projectID, notBefore: notBefore, using: client)
    }

    /// Whether `project` is private, and how: the deprecated `access_control` flag, else its
    /// access-control records (PostHog/posthog `posthog/models/organization.py`,
    /// `organization_has_private_projects`, names both). Unreadable records answer
    /// ``PostHogProjectPrivacy/unknown``.
    func privacy(of project: PostHogProject) async throws -> PostHogProjectPrivacy {
        if project.accessControl == true { return .legacyFlag }
        guard let controls = try await accessControls(of: project.id) else {
            logger.warning(
                "posthog project access controls unreadable; treated as open",
                metadata: ["project_id": "\(project.id)"]
            )
            return .unknown
        }
        return controls.makePrivate ? .accessControl : .open
    }

    /// The person's invites (any letter case, expired ones included). PostHog has no filter on
    /// invites: the directory's invite listing.
    ///
    /// - Throws: A permanent ``VendorError`` when an invite naming the person could not be read.
    func personsInvites() async throws -> [PostHogInvite] {
        let listing = try await listedInvites()
        try client.refuseUnreadable(listing.unreadable, concerning: email, what: "invite")
        return listing.items.filter { $0.hasEmail(email) }
    }

    /// Every invite, with the records Roster could not read.
    func listedInvites() async throws -> LenientList<PostHogInvite> {
        try await directory.invites(notBefore: notBefore, using: client)
    }

    /// The person's membership, or `nil`: the account stored with exactly the address, else one
    /// with it in another letter case.
    ///
    /// The cheaper way by measured cost (``LookupCost``): with a backlog, the directory's member
    /// listing; else `?email=` and, when that misses, `?search=` (``PostHogClient/findMember(email:)``),
    /// whose answer also updates the directory. A step that must look again (a leaver's, a resumed
    /// one, one the vendor contradicted) always asks PostHog.
    func lookUpMember() async throws -> PostHogMember? {
        if let listing = try await memberListingIfCheaper() {
            try client.refuseUnreadable(listing.unreadable, concerning: email, what: "member")
            return listing.items.first { $0.user.email == email } ?? listing.items.first { $0.hasEmail(email) }
        }
        let found = try await client.findMember(email: email)
        // A miss asked both filters: nobody has the address in any case.
        directory.looked(up: email, found: found.map { [$0] } ?? [], complete: found == nil)
        return found
    }

    /// Every account whose address is the person's in any letter case (an offboarding removes
    /// them all): from the member listing when it is the cheaper way, else `?email=` and
    /// `?search=`, both always asked (``PostHogClient/findMembers(email:)``).
    func lookUpMembers() async throws -> [PostHogMember] {
        if let listing = try await memberListingIfCheaper() {
            try client.refuseUnreadable(listing.unreadable, concerning: email, what: "member")
            return listing.items.filter { $0.hasEmail(email) }
        }
        let found = try await client.findMembers(email: email)
        directory.looked(up: email, found: found, complete: true)
        return found
    }

    /// The member listing, when this lookup may use one and it is cheaper than the filters; `nil`
    /// when the filters are the way. A filtered lookup of someone who is not a member costs two
    /// calls (`?email=` misses, then `?search=`), and onboarding mostly looks up people who are not
    /// members yet.
    private func memberListingIfCheaper() async throws -> LenientList<PostHogMember>? {
        guard !mustLookAgain, directory.memberLookups.lookUp(filteredRequests: 2) else { return nil }
        return try await directory.members(notBefore: notBefore, using: client)
    }
}
