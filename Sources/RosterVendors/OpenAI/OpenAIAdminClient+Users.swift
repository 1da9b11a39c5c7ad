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
        let query = emails.map { VendorRequest.QueryItem(name: "emails[]", value: $0) } + Self.pageQuery(after: after, limit: limit)
        return try await send(VendorRequest(.get, "/organization/users", query: query), as: OpenAIPage.self)
    }

    /// Every organization user (or those with the given addresses), following pagination.
    ///
    /// The result is filtered again on our side, case-insensitively, so a vendor that ignores
    /// the filter cannot hand back the wrong people.
    /// - Throws: ``VendorError``.
    public func listUsers(emails: [String] = []) async throws -> [OpenAIUser] {
        let users = try await allPages { after in try await listUsersPage(emails: emails, after: after) }
        guard !emails.isEmpty else { return users }
        let wanted = Set(emails.map { $0.lowercased() })
        return users.filter { wanted.contains($0.email.lowercased()) }
    }

    /// The organization member whose address is `email` (case-insensitive), or `nil`.
    ///
    /// - Throws: ``VendorError``.
    public func findUser(email: String) async throws -> OpenAIUser? {
        try await listUsers(emails: [email]).first
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
        try await send(VendorRequest(.delete, "/organization/users/\(VendorRequest.pathSegment(id))"), as: OpenAIDeletion.self)
    }
}
