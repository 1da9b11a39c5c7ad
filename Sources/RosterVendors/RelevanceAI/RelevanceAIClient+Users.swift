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
        let request = request(.post, "/auth/users/list", project: project, body: body)
        let result = try await send(request, as: RelevanceAIUserPage.self)
        _ = try readable(result.list, of: request)
        return result
    }

    /// Every user of `project` matching `emailSearch`, following pages while `has_more` is true.
    ///
    /// Relevance AI computes `has_more` before filtering by permission, so a page can be empty
    /// (or short) while `has_more` is true and the users sought are on a later page: paging stops
    /// on `has_more` alone (absent counts as false, as documented). A listing that still says
    /// `has_more` after ``maximumUserPages`` pages fails loudly.
    ///
    /// - Throws: ``VendorError``; a permanent one (``VendorError/vendorCode`` `roster_page_limit`)
    ///   past ``maximumUserPages``.
    public func listUsers(emailSearch: String? = nil, project: String) async throws -> [RelevanceAIUser] {
        var users: [RelevanceAIUser] = []
        for page in 1...max(maximumUserPages, 1) {
            let result = try await listUsersPage(page: page, emailSearch: emailSearch, project: project)
            users.append(contentsOf: result.results)
            if !result.hasMore { return users }
        }
        throw VendorError(
            code: .unexpected,
            vendorCode: "roster_page_limit",
            message: "Relevance AI's user listing of project \(project) still said has_more after "
                + "\(maximumUserPages) pages of \(Self.usersPageSize): stopped rather than act on a partial listing "
                + "(raise RelevanceAIClient.maximumUserPages if the project really has that many users)",
            classification: .permanent,
            vendor: Self.vendor
        )
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

    /// `POST /auth/organization/{organization_id}/user/{user_id}/update`: sets the user's
    /// organisation role. The body is `{"admin": Bool, "role": "admin"|"operator"|"viewer"}`
    /// (`admin` required; vendor OpenAPI `UpdateOrganizationUserPermissionsInput`). The
    /// organisation "Member" of Relevance AI's interface is `operator` here.
    ///
    /// - Parameters:
    ///   - organizationID: The organisation.
    ///   - userID: The user.
    ///   - admin: Whether they are an organisation admin.
    ///   - role: The organisation role (`operator` for a member).
    ///   - project: The project whose header authenticates the call.
    /// - Throws: ``VendorError``.
    public func updateOrganizationUser(
        organizationID: String,
        userID: String,
        admin: Bool,
        role: String,
        project: String
    ) async throws {
        struct Body: Encodable {
            var admin: Bool
            var role: String
        }
        let path =
            "/auth/organization/\(VendorRequest.pathSegment(organizationID))/user/"
            + "\(VendorRequest.pathSegment(userID))/update"
        try await perform(request(.post, path, project: project, body: try body(Body(admin: admin, role: role))))
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
        let results = try await apiKeyListing(userID: userID, project: project)
        // Every key listed is the user's own: one Roster cannot read cannot be skipped.
        if let unreadable = results.unreadable.first {
            throw VendorError(
                code: .decoding,
                message: "a key of user \(userID) in \(project) could not be read (\(unreadable.reason)): "
                    + "Roster will not report their keys revoked",
                classification: .permanent,
                vendor: Self.vendor
            )
        }
        return results.keys
    }

    /// `POST /auth/users/{user_id}/keys/list` in `project`: the keys that decoded, and the records
    /// that did not (for a caller that only counts them, such as an inventory).
    ///
    /// - Throws: ``VendorError``.
    func apiKeyListing(
        userID: String, project: String
    ) async throws -> (
        keys: [RelevanceAIAPIKey], unreadable: [StepUnreadableRecord]
    ) {
        struct Keys: Decodable { var results: StepLenientList<RelevanceAIAPIKey> }
        let request = request(.post, Self.userPath(userID, "/keys/list"), project: project, body: Array("{}".utf8))
        let listed = try await send(request, as: Keys.self).results
        return (listed.elements, listed.unreadable(in: "POST /auth/users/{user_id}/keys/list"))
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
