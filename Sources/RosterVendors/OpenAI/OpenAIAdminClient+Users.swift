// MARK: - Organization users

extension OpenAIAdminClient {
    /// One page of `GET /organization/users`, optionally filtered by `emails[]=…`.
    ///
    /// - Parameters:
    ///   - emails: Addresses to look up; empty lists every user.
    ///   - after: The previous page's `last_id`.
    ///   - limit: 1–100.
    /// - Throws: ``VendorError``.
    public func listUsersPage(
        emails: [String] = [],
        after: String? = nil,
        limit: Int = OpenAIAdminClient.pageLimit
    ) async throws -> OpenAIPage<OpenAIUser> {
        let query =
            emails.map { VendorRequest.QueryItem(name: "emails[]", value: $0) }
            + Self.pageQuery(after: after, limit: limit)
        return try await send(VendorRequest(.get, "/organization/users", query: query), as: OpenAIPage.self)
    }

    /// Every organization user (or those with the given addresses), following pagination.
    ///
    /// The result is filtered again on our side, case-insensitively, so a vendor that ignores
    /// the filter cannot hand back the wrong people. Users without an address are listed when
    /// no filter is given and never match one.
    /// - Throws: ``VendorError``.
    public func listUsers(emails: [String] = []) async throws -> [OpenAIUser] {
        let users = try await userListing(emails: emails).items
        guard !emails.isEmpty else { return users }
        let wanted = Set(emails.map { $0.lowercased() })
        return users.filter { $0.email.map { wanted.contains($0.lowercased()) } == true }
    }

    /// Every organization user (or those the `emails[]` filter returns), with the records Roster
    /// could not read apart.
    ///
    /// - Throws: ``VendorError``.
    public func userListing(emails: [String] = []) async throws -> LenientList<OpenAIUser> {
        try await allPages(listing: "organization users") { after in
            try await listUsersPage(emails: emails, after: after)
        }
    }

    /// The organization member whose address is `email` (compared case-insensitively), or `nil`.
    ///
    /// Asks with `emails[]=<email>` first. Whether OpenAI's filter ignores letter case is not
    /// documented, so with `fullListing` a miss is checked against every user (one listing of
    /// the organization): an offboarding must not report "not a member" for `Ada@Example.com`.
    ///
    /// - Throws: ``VendorError``; a permanent one when a user record that names `email` cannot
    ///   be read.
    public func findUser(email: String, fullListing: Bool = false) async throws -> OpenAIUser? {
        let filtered = try await userListing(emails: [email])
        try refuseUnreadable(filtered.unreadable, concerning: email, what: "user")
        if let user = filtered.items.first(where: { $0.hasEmail(email) }) { return user }
        guard fullListing else { return nil }
        let all = try await userListing()
        try refuseUnreadable(all.unreadable, concerning: email, what: "user")
        return all.items.first { $0.hasEmail(email) }
    }

    /// `POST /organization/users/{id}`: sets the organization role (`owner` or `reader`).
    /// Naturally idempotent.
    ///
    /// - Throws: ``VendorError``.
    public func updateUserRole(id: String, role: String) async throws -> OpenAIUser {
        struct Body: Encodable { var role: String }
        let request = VendorRequest(
            .post,
            "/organization/users/\(VendorRequest.pathSegment(id))",
            body: try body(Body(role: role))
        )
        return try await send(request, as: OpenAIUser.self)
    }

    /// `DELETE /organization/users/{id}`: removes the user from the organization.
    ///
    /// - Throws: ``VendorError``; a repeat delete throws a 404 with ``VendorError/isAlreadyGone``.
    public func deleteUser(id: String) async throws -> OpenAIDeletion {
        try await send(
            VendorRequest(.delete, "/organization/users/\(VendorRequest.pathSegment(id))"), as: OpenAIDeletion.self)
    }
}
