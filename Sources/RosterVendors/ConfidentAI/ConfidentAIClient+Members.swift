// MARK: - Organization and project members

extension ConfidentAIClient {
    /// One page of `GET /v1/organization/members`.
    ///
    /// - Parameters:
    ///   - page: From 1.
    ///   - pageSize: 1–100 (Confident AI's default is 25).
    /// - Throws: ``VendorError``.
    public func listOrganizationMembersPage(
        page: Int, pageSize: Int = ConfidentAIClient.maximumPageSize
    ) async throws
        -> ConfidentAIMemberPage
    {
        let request = VendorRequest(
            .get,
            "/v1/organization/members",
            query: Self.pageQuery(page: page, pageSize: pageSize)
        )
        let result = try await send(request, as: ConfidentAIMemberPage.self)
        _ = try readable(result.list, of: request)
        return result
    }

    /// Every organization member, following pagination.
    ///
    /// - Throws: ``VendorError``.
    public func listOrganizationMembers() async throws -> [ConfidentAIMember] {
        try await allMembers { page, size in try await listOrganizationMembersPage(page: page, pageSize: size) }
    }

    /// The organization member whose address is `email` (case-insensitive), or `nil`. Confident
    /// AI has no email filter, so this pages through every member.
    ///
    /// - Throws: ``VendorError``.
    public func findOrganizationMember(email: String) async throws -> ConfidentAIMember? {
        try await listOrganizationMembers().first { $0.hasEmail(email) }
    }

    /// `PUT /v1/organization/members/{userId}`: sets the organization role. Assigning Owner
    /// transfers ownership.
    ///
    /// - Throws: ``VendorError``.
    @discardableResult
    public func updateOrganizationMemberRole(userID: String, roleID: String) async throws -> ConfidentAIMember {
        try await send(
            VendorRequest(
                .put,
                "/v1/organization/members/\(VendorRequest.pathSegment(userID))",
                body: try body(RoleBody(roleId: roleID))
            ),
            as: MemberBody.self
        ).member
    }

    /// `DELETE /v1/organization/members/{userId}`: removes the user from the organization, which
    /// also detaches them from every project and clears their pending invitations. The Owner
    /// cannot be removed.
    ///
    /// - Throws: ``VendorError``; 404 (not a member) is ``VendorError/isAlreadyGone``.
    public func removeOrganizationMember(userID: String) async throws {
        let request = VendorRequest(.delete, "/v1/organization/members/\(VendorRequest.pathSegment(userID))")
        try await perform(request)
    }

    /// One page of `GET /v1/projects/{id}/members`.
    ///
    /// - Throws: ``VendorError``.
    public func listProjectMembersPage(
        projectID: String, page: Int, pageSize: Int = ConfidentAIClient.maximumPageSize
    )
        async throws -> ConfidentAIMemberPage
    {
        let request = VendorRequest(
            .get,
            Self.projectPath(projectID, "/members"),
            query: Self.pageQuery(page: page, pageSize: pageSize)
        )
        let result = try await send(request, as: ConfidentAIMemberPage.self)
        _ = try readable(result.list, of: request)
        return result
    }

    /// Every member of a project, following pagination.
    ///
    /// - Throws: ``VendorError``.
    public func listProjectMembers(projectID: String) async throws -> [ConfidentAIMember] {
        try await allMembers { page, size in
            try await listProjectMembersPage(projectID: projectID, page: page, pageSize: size)
        }
    }

    /// `PUT /v1/projects/{id}/members/{userId}`: sets the project role.
    ///
    /// - Throws: ``VendorError``.
    @discardableResult
    public func updateProjectMemberRole(
        projectID: String, userID: String, roleID: String
    ) async throws
        -> ConfidentAIMember
    {
        let path = Self.projectPath(projectID, "/members/\(VendorRequest.pathSegment(userID))")
        return try await send(VendorRequest(.put, path, body: try body(RoleBody(roleId: roleID))), as: MemberBody.self)
            .member
    }

    /// `DELETE /v1/projects/{id}/members/{userId}`: removes the user from one project (and clears
    /// their pending invitations to it). The project Owner cannot be removed.
    ///
    /// - Throws: ``VendorError``; 404 (not a member) is ``VendorError/isAlreadyGone``.
    public func removeProjectMember(projectID: String, userID: String) async throws {
        let path = Self.projectPath(projectID, "/members/\(VendorRequest.pathSegment(userID))")
        try await perform(VendorRequest(.delete, path))
    }

    private struct RoleBody: Encodable {
        var roleId: String
    }

    private struct MemberBody: Decodable {
        var member: ConfidentAIMember
    }
}
