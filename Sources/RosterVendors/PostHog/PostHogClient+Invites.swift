// MARK: - Invites

extension PostHogClient {
    /// What ``inviteBatch(emails:level:projectAccess:)`` did with each address.
    public struct InviteBatchResult: Sendable, Hashable {
        /// The invites created, as PostHog returned them (empty when it sent no body).
        public var invited: [PostHogInvite]
        /// The addresses invited (lowercased), in request order.
        public var invitedEmails: [String]
        /// Addresses skipped because they already belong to the organization.
        public var alreadyMembers: [String]
        /// Addresses skipped because a pending invite already grants the level and access.
        public var alreadyInvited: [String]
        /// How many `POST /invites/bulk/` calls were made.
        public var bulkCalls: Int

        public init(
            invited: [PostHogInvite] = [],
            invitedEmails: [String] = [],
            alreadyMembers: [String] = [],
            alreadyInvited: [String] = [],
            bulkCalls: Int = 0
        ) {
            self.invited = invited
            self.invitedEmails = invitedEmails
            self.alreadyMembers = alreadyMembers
            self.alreadyInvited = alreadyInvited
            self.bulkCalls = bulkCalls
        }
    }

    /// One page of `GET /invites/` (expired invites included).
    ///
    /// - Throws: ``VendorError``.
    public func listInvitesPage(
        limit: Int = PostHogClient.pageLimit, offset: Int = 0
    ) async throws -> PostHogPage<
        PostHogInvite
    > {
        try await send(invitesRequest(limit: limit, offset: offset), as: PostHogPage.self)
    }

    /// Every invite, expired ones included, following `next`. Invites Roster cannot read are
    /// skipped and reported.
    ///
    /// - Throws: ``VendorError``.
    public func listInvites() async throws -> [PostHogInvite] {
        try await inviteListing().items
    }

    /// Every invite, with the records Roster could not read apart.
    ///
    /// - Throws: ``VendorError``.
    public func inviteListing() async throws -> LenientList<PostHogInvite> {
        try await allPages(invitesRequest(limit: Self.pageLimit, offset: 0), of: PostHogInvite.self, listing: "invites")
    }

    /// The invites for `email` (case-insensitive), expired ones included.
    ///
    /// - Throws: ``VendorError``; a permanent one when an invite that names `email` cannot be read.
    public func invites(email: String) async throws -> [PostHogInvite] {
        let listing = try await inviteListing()
        try refuseUnreadable(listing.unreadable, concerning: email, what: "invite")
        return listing.items.filter { $0.hasEmail(email) }
    }

    /// `POST /invites/`: invites one address, replacing every earlier invite for it (unless
    /// ``PostHogInviteRequest/combinePendingInvites`` is set).
    ///
    /// - Throws: ``VendorError``; 400 when the address already belongs to the organization.
    public func createInvite(_ invite: PostHogInviteRequest) async throws -> PostHogInvite {
        let request = VendorRequest(.post, "\(organizationPath)/invites/", body: try body(invite))
        return try await send(request, as: PostHogInvite.self)
    }

    /// `POST /invites/bulk/`: up to ``bulkInviteLimit`` invites in one call.
    ///
    /// - Important: One address that already belongs to the organization fails the whole call
    ///   (400); filter members out first, or use ``inviteBatch(emails:level:projectAccess:)``.
    /// - Returns: The invites created; empty when PostHog answers without a body (as its
    ///   published reference says it does).
    /// - Throws: ``VendorError``; a permanent one, without a call, for more than 20 invites.
    public func createInvites(_ invites: [PostHogInviteRequest]) async throws -> [PostHogInvite] {
        guard invites.count <= Self.bulkInviteLimit else {
            throw VendorError.invalidStep(
                "PostHog accepts at most \(Self.bulkInviteLimit) invites per bulk call, got \(invites.count)",
                vendor: "posthog"
            )
        }
        guard !invites.isEmpty else { return [] }
        let request = VendorRequest(.post, "\(organizationPath)/invites/bulk/", body: try body(invites))
        let response = try await send(request)
        guard !response.body.isEmpty else { return [] }
        // The invites exist by now: one Roster cannot read is reported, not a failure (its
        // item then has no invite id, which the step tolerates).
        let created = try decode(response, to: request, as: LenientList<PostHogInvite>.self)
        VendorRecordSkips.report(created.unreadable, vendor: instance, listing: "created invites", logger: logger)
        return created.items
    }

    /// `DELETE /invites/{id}/`.
    ///
    /// - Throws: ``VendorError``; a repeat delete throws a 404 with ``VendorError/isAlreadyGone``.
    public func deleteInvite(id: String) async throws {
        try await send(VendorRequest(.delete, "\(organizationPath)/invites/\(VendorRequest.pathSegment(id))/"))
    }

    /// Invites every address in `emails` with `level` and `projectAccess`, in bulk calls of at
    /// most ``bulkInviteLimit``, after looking first:
    /// - addresses that already belong to the organization are skipped (one of them would fail
    ///   a whole bulk call);
    /// - addresses whose pending invite already grants at least `level` and `projectAccess`
    ///   are skipped, so a repeated batch makes no calls that change anything;
    /// - an address with a weaker pending invite gets one that combines both (the higher level,
    ///   all project access), since PostHog replaces the old invite with the new one.
    ///
    /// Looking costs one listing of members and one of invites, whatever the number of
    /// addresses. A bulk call that fails throws; the calls before it have taken effect, and a
    /// repeated batch skips what they created.
    ///
    /// - Parameters:
    ///   - emails: The addresses (duplicates and case are ignored).
    ///   - level: The organization level to grant.
    ///   - projectAccess: Private projects to grant (none for public projects: every member
    ///     sees those).
    /// - Throws: ``VendorError``.
    public func inviteBatch(
        emails: [String],
        level: PostHogMembershipLevel,
        projectAccess: [PostHogInvite.ProjectAccess] = []
    ) async throws -> InviteBatchResult {
        var seen: Set<String> = []
        let wanted = emails.map { $0.lowercased() }.filter { seen.insert($0).inserted }
        var result = InviteBatchResult()
        guard !wanted.isEmpty else { return result }

        let members = Set(try await listMembers().map { $0.user.email.lowercased() })
        // Pending invites are grouped by lowercased address; PostHog replaces only the ones whose
        // stored address is exactly the one sent (see ``inviteItems(_:)`` for the cleanup).
        var pending: [String: [PostHogInvite]] = [:]
        for invite in try await listInvites() where !invite.isExpired {
            pending[invite.targetEmail.lowercased(), default: []].append(invite)
        }
        var requests: [PostHogInviteRequest] = []
        for email in wanted {
            if members.contains(email) {
                result.alreadyMembers.append(email)
                continue
            }
            let existing = pending[email] ?? []
            if existing.contains(where: { $0.covers(level: level, projectAccess: projectAccess) }) {
                result.alreadyInvited.append(email)
                continue
            }
            requests.append(Self.combined(email: email, level: level, projectAccess: projectAccess, existing: existing))
        }
        var start = 0
        while start < requests.count {
            let chunk = Array(requests[start..<min(start + Self.bulkInviteLimit, requests.count)])
            result.invited += try await createInvites(chunk)
            result.invitedEmails += chunk.map(\.targetEmail)
            result.bulkCalls += 1
            start += chunk.count
        }
        return result
    }

    /// An invite request for `email` that keeps what its `existing` pending invites granted.
    static func combined(
        email: String,
        level: PostHogMembershipLevel,
        projectAccess: [PostHogInvite.ProjectAccess],
        existing: [PostHogInvite]
    ) -> PostHogInviteRequest {
        var level = level
        var access = PostHogInvite.ProjectAccess.union(projectAccess, [])
        for invite in existing where !invite.isExpired {
            level = max(level, invite.level)
            access = PostHogInvite.ProjectAccess.union(access, invite.privateProjectAccess ?? [])
        }
        return PostHogInviteRequest(targetEmail: email, level: level, privateProjectAccess: access)
    }

    private func invitesRequest(limit: Int, offset: Int) -> VendorRequest {
        VendorRequest(.get, "\(organizationPath)/invites/", query: Self.pageQuery(limit: limit, offset: offset))
    }
}
