// MARK: - Users and their keys (scoped to the header's project)

extension RelevanceAIClient {
    /// One page of `POST /auth/users/list` in `project`.
    ///
    /// - Parameters:
    ///   - page: From 1.
    ///   - pageSize: Users per page.
    ///   - emailSearch: A **case-sensitive substring** filter, or `nil` for every user.
    ///   - project: The project whose users are listed.
    /// - Throws: ``VendorError``.
    public func listUsersPage(
        page: Int,
        pageSize: Int = RelevanceAIClient.usersPageSize,
        emailSearch: String?,
        project: String
    ) async throws -> RelevanceAIUserPage {
        struct Filters: Encodable { var email_search: String }
        struct Body: Encodable {
            var page: Int
            var page_size: Int
            var user_filters: Filters?
        }
        let body = try body(
            Body(page: max(page, 1), page_size: max(pageSize, 1), user_filters: emailSearch.map(Filters.init))
        )
        return try await send(
            request(.post, "/auth/users/list", project: project, body: body),
            as: RelevanceAIUserPage.self
        )
    }

    /// Every user of `project` matching `emailSearch`, until a page lacks `has_more: true`.
    ///
    /// - Throws: ``VendorError``.
    public func listUsers(emailSearch: String? = nil, project: String) async throws -> [RelevanceAIUser] {
        var users: [RelevanceAIUser] = []
        for page in 1...Self.maximumPages {
            let result = try await listUsersPage(page: page, emailSearch: emailSearch, project: project)
            users.append(contentsOf: result.results)
            if !result.hasMore || result.results.isEmpty { return users }
        }
        throw VendorError.unexpected("Relevance AI user listing did not end after \(Self.maximumPages) pages")
    }

    /// The user of `project` whose address is exactly `email`, ignoring case, or `nil`.
    ///
    /// The vendor's `email_search` is a case-sensitive substring match, so its results are
    /// compared exactly; when that finds nobody and the address has letters, the project's
    /// users are listed unfiltered so that `Ada@Example.com` is still found for `ada@example.com`.
    ///
    /// - Throws: ``VendorError``.
    public func findUser(email: String, project: String) async throws -> RelevanceAIUser? {
        if let user = try await listUsers(emailSearch: email, project: project).first(where: { $0.hasEmail(email) }) {
            return user
        }
        guard email.contains(where: \.isLetter) else { return nil }
        return try await listUsers(project: project).first { $0.hasEmail(email) }
    }

    /// `POST /auth/users/{user_id}/update` in `project`: sets the user's permissions there.
    ///
    /// - Parameters:
    ///   - overwrite: `true` (the default) replaces the permissions, so an old role cannot survive
    ///     next to the new one; `false` merges as the vendor does by default.
    /// - Throws: ``VendorError``.
    public func updateUser(id: String, role: RelevanceAIRole, overwrite: Bool = true, project: String) async throws {
        struct Body: Encodable {
            var permissions: RelevanceAIPermissions
            var overwrite: Bool
        }
        let body = try body(Body(permissions: RelevanceAIPermissions(role: role), overwrite: overwrite))
        try await perform(request(.post, Self.userPath(id, "/update"), project: project, body: body))
    }

    /// `POST /auth/users/{user_id}/delete`: removes the user from `project` only.
    ///
    /// - Throws: ``VendorError``; 404 is ``VendorError/isAlreadyGone``.
    public func removeUser(id: String, project: String) async throws {
        try await perform(request(.post, Self.userPath(id, "/delete"), project: project, body: Array("{}".utf8)))
    }

    /// `POST /auth/users/{user_id}/keys/list` in `project`.
    ///
    /// - Throws: ``VendorError``.
    public func listAPIKeys(userID: String, project: String) async throws -> [RelevanceAIAPIKey] {
        struct Keys: Decodable { var results: [RelevanceAIAPIKey]? }
        let listed = try await send(
            request(.post, Self.userPath(userID, "/keys/list"), project: project, body: Array("{}".utf8)),
            as: Keys.self
        )
        return listed.results ?? []
    }

    /// `POST /auth/users/{user_id}/keys/delete` with `id`.
    ///
    /// - Throws: ``VendorError``; 404 is ``VendorError/isAlreadyGone``.
    public func deleteAPIKey(id: String, userID: String, project: String) async throws {
        struct Body: Encodable { var id: String }
        let body = try body(Body(id: id))
        try await perform(request(.post, Self.userPath(userID, "/keys/delete"), project: project, body: body))
    }

    static func userPath(_ userID: String, _ suffix: String) -> String {
        "/auth/users/\(VendorRequest.pathSegment(userID))\(suffix)"
    }
}
