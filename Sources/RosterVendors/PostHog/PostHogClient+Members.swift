// MARK: - Members

extension PostHogClient {
    /// One page of `GET /members/`.
    ///
    /// - Parameters:
    ///   - email: An exact address filter.
    ///   - search: PostHog's fuzzy search over names and addresses.
    ///   - limit: The page size.
    ///   - offset: How many members to skip.
    /// - Throws: ``VendorError``.
    public func listMembersPage(
        email: String? = nil,
        search: String? = nil,
        limit: Int = PostHogClient.pageLimit,
        offset: Int = 0
    ) async throws -> PostHogPage<PostHogMember> {
        try await send(membersRequest(email: email, search: search, limit: limit, offset: offset), as: PostHogPage.self)
    }

    /// Every member (matching the filters), following `next`. With `email`, the result is
    /// filtered again on our side, case-insensitively. Members Roster cannot read are skipped
    /// and reported.
    ///
    /// - Throws: ``VendorError``.
    public func listMembers(email: String? = nil, search: String? = nil) async throws -> [PostHogMember] {
        let listing = try await memberListing(email: email, search: search)
        guard let email else { return listing.items }
        return listing.items.filter { $0.hasEmail(email) }
    }

    /// Every member matching the filters, with the records Roster could not read apart.
    ///
    /// - Throws: ``VendorError``.
    public func memberListing(email: String? = nil, search: String? = nil) async throws -> LenientList<PostHogMember> {
        let request = membersRequest(email: email, search: search, limit: Self.pageLimit, offset: 0)
        return try await allPages(request, of: PostHogMember.self, listing: "members")
    }

    /// The member whose address is `email`, compared case-insensitively, or `nil`.
    ///
    /// PostHog's `?email=` filter is exact and case-sensitive (`user__email=`, PostHog/posthog
    /// `posthog/api/organization_member.py`), and accounts made before PostHog normalised
    /// addresses can be stored mixed-case (`Ada.Lovelace@Example.com`). So: the exact filter
    /// first (one call when the stored address is the one asked for), then `?search=`, which
    /// matches case-insensitively, compared on Roster's side.
    ///
    /// - Throws: ``VendorError``; a permanent one when a member record that names `email`
    ///   cannot be read.
    public func findMember(email: String) async throws -> PostHogMember? {
        let exact = try await memberListing(email: email)
        try refuseUnreadable(exact.unreadable, concerning: email, what: "member")
        if let member = exact.items.first(where: { $0.hasEmail(email) }) { return member }
        return try await searchMembers(email: email).first
    }

    /// Every member whose address is `email` in any letter case (`?email=` and `?search=`,
    /// both always asked): an offboarding removes them all.
    ///
    /// - Throws: ``VendorError``; a permanent one when a member record that names `email`
    ///   cannot be read.
    public func findMembers(email: String) async throws -> [PostHogMember] {
        let exact = try await memberListing(email: email)
        try refuseUnreadable(exact.unreadable, concerning: email, what: "member")
        var found = exact.items.filter { $0.hasEmail(email) }
        for member in try await searchMembers(email: email)
        where !found.contains(where: { $0.user.uuid == member.user.uuid }) {
            found.append(member)
        }
        return found
    }

    /// The members `?search=<email>` finds whose address is `email`, case-insensitively.
    /// PostHog refuses searches longer than ``maximumSearchLength``: those list every member.
    private func searchMembers(email: String) async throws -> [PostHogMember] {
        let listing =
            email.count <= Self.maximumSearchLength
            ? try await memberListing(search: email) : try await memberListing()
        try refuseUnreadable(listing.unreadable, concerning: email, what: "member")
        return listing.items.filter { $0.hasEmail(email) }
    }

    /// The longest `search` PostHog accepts (`MAX_SEARCH_LENGTH`).
    public static let maximumSearchLength = 200

    /// `PATCH /members/{user_uuid}/`: sets the membership level. PostHog refuses to raise a level
    /// above the caller's own or to change the caller's.
    ///
    /// - Throws: ``VendorError``.
    public func updateMemberLevel(userUUID: String, level: PostHogMembershipLevel) async throws -> PostHogMember {
        struct Body: Encodable { var level: PostHogMembershipLevel }
        let request = VendorRequest(.patch, memberPath(userUUID), body: try body(Body(level: level)))
        return try await send(request, as: PostHogMember.self)
    }

    /// `DELETE /members/{user_uuid}/`: removes the member from the organization and all its
    /// projects. PostHog refuses (400) to remove an owner.
    ///
    /// - Throws: ``VendorError``; a repeat delete throws a 404 with ``VendorError/isAlreadyGone``.
    public func deleteMember(userUUID: String) async throws {
        try await send(VendorRequest(.delete, memberPath(userUUID)))
    }

    /// `GET /members/{user_uuid}/scoped_api_keys/`: whether the member has personal API keys.
    /// Read-only: PostHog has no endpoint for an admin to revoke another user's keys.
    ///
    /// - Throws: ``VendorError``.
    public func scopedAPIKeys(userUUID: String) async throws -> PostHogScopedAPIKeys {
        try await send(VendorRequest(.get, memberPath(userUUID) + "scoped_api_keys/"), as: PostHogScopedAPIKeys.self)
    }

    /// `/members/{user_uuid}/`.
    private func memberPath(_ userUUID: String) -> String {
        "\(organizationPath)/members/\(VendorRequest.pathSegment(userUUID))/"
    }

    private func membersRequest(email: String?, search: String?, limit: Int, offset: Int) -> VendorRequest {
        var query = Self.pageQuery(limit: limit, offset: offset)
        if let email { query.append(.init(name: "email", value: email)) }
        if let search { query.append(.init(name: "search", value: search)) }
        return VendorRequest(.get, "\(organizationPath)/members/", query: query)
    }
}
