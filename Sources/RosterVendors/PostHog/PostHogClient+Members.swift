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
    /// filtered again on our side, case-insensitively.
    ///
    /// - Throws: ``VendorError``.
    public func listMembers(email: String? = nil, search: String? = nil) async throws -> [PostHogMember] {
        let request = membersRequest(email: email, search: search, limit: Self.pageLimit, offset: 0)
        let members = try await allPages(request, of: PostHogMember.self)
        guard let email else { return members }
        return members.filter { $0.hasEmail(email) }
    }

    /// The member whose address is `email`, or `nil` (`GET /members/?email=`).
    ///
    /// - Throws: ``VendorError``.
    public func findMember(email: String) async throws -> PostHogMember? {
        try await listMembers(email: email).first
    }

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
