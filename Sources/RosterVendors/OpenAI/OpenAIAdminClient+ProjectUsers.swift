// MARK: - Project users

extension OpenAIAdminClient {
    /// One page of `GET /organization/projects/{id}/users` (400 if the project is archived).
    ///
    /// - Throws: ``VendorError``.
    public func listProjectUsersPage(
        projectID: String,
        after: String? = nil,
        limit: Int = OpenAIAdminClient.pageLimit
    ) async throws -> OpenAIPage<OpenAIProjectUser> {
        let request = VendorRequest(
            .get,
            "\(Self.projectPath(projectID))/users",
            query: Self.pageQuery(after: after, limit: limit)
        )
        return try await send(request, as: OpenAIPage.self)
    }

    /// Every member of a project, following pagination.
    ///
    /// - Throws: ``VendorError``.
    public func listProjectUsers(projectID: String) async throws -> [OpenAIProjectUser] {
        try await projectUserListing(projectID: projectID).items
    }

    /// Every member of a project, with the records Roster could not read apart.
    ///
    /// - Throws: ``VendorError``.
    public func projectUserListing(projectID: String) async throws -> LenientList<OpenAIProjectUser> {
        try await allPages(listing: "project users") { after in
            try await listProjectUsersPage(projectID: projectID, after: after)
        }
    }

    /// `POST /organization/projects/{id}/users`: adds an organization member to a project.
    ///
    /// The user must already be an organization member (else 400); invite non-members with
    /// ``createInvite(email:role:projects:)`` and the project instead.
    /// - Parameters:
    ///   - projectID: `proj_…`
    ///   - userID: `user-…`
    ///   - role: `member` or `owner`.
    /// - Throws: ``VendorError``.
    public func addProjectUser(projectID: String, userID: String, role: String) async throws -> OpenAIProjectUser {
        struct Body: Encodable {
            var user_id: String
            var role: String
        }
        let request = VendorRequest(
            .post,
            "\(Self.projectPath(projectID))/users",
            body: try body(Body(user_id: userID, role: role))
        )
        return try await send(request, as: OpenAIProjectUser.self)
    }

    /// `POST /organization/projects/{id}/users/{user_id}`: changes a member's project role.
    ///
    /// - Throws: ``VendorError``.
    public func updateProjectUser(projectID: String, userID: String, role: String) async throws -> OpenAIProjectUser {
        struct Body: Encodable { var role: String }
        let request = VendorRequest(
            .post,
            "\(Self.projectPath(projectID))/users/\(VendorRequest.pathSegment(userID))",
            body: try body(Body(role: role))
        )
        return try await send(request, as: OpenAIProjectUser.self)
    }

    /// `DELETE /organization/projects/{id}/users/{user_id}`: removes a member from a project.
    ///
    /// Delete the member's keys in the project first (``deleteProjectAPIKey(projectID:keyID:)``).
    /// - Throws: ``VendorError``; a repeat delete throws a 404 with ``VendorError/isAlreadyGone``.
    public func deleteProjectUser(projectID: String, userID: String) async throws -> OpenAIDeletion {
        let request = VendorRequest(
            .delete, "\(Self.projectPath(projectID))/users/\(VendorRequest.pathSegment(userID))")
        return try await send(request, as: OpenAIDeletion.self)
    }

    /// `/organization/projects/{id}` with the id encoded as one path segment.
    static func projectPath(_ projectID: String) -> String {
        "/organization/projects/\(VendorRequest.pathSegment(projectID))"
    }
}
