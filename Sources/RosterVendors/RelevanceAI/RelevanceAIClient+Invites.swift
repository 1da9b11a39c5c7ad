// MARK: - Invites (scoped to the header's project)

extension RelevanceAIClient {
    /// `POST /auth/invite/list`: the pending invites of `project`.
    ///
    /// - Throws: ``VendorError``.
    public func listInvites(project: String) async throws -> [RelevanceAIInvite] {
        struct Invites: Decodable { var results: StepLenientList<RelevanceAIInvite> }
        let request = request(.post, "/auth/invite/list", project: project, body: Array("{}".utf8))
        let listed = try await send(request, as: Invites.self)
        return try readable(listed.results, of: request)
    }

    /// `POST /auth/invite/create`: invites `email` to `project` with `role`. Someone who is
    /// already in the organization is added at once (the invite is auto-accepted). To change an
    /// invite's role, delete it and create it again.
    ///
    /// - Returns: The invite code.
    /// - Throws: ``VendorError``.
    @discardableResult
    public func createInvite(email: String, role: RelevanceAIRole, project: String) async throws -> String {
        struct Body: Encodable {
            var email: String
            var permissions: RelevanceAIPermissions
        }
        struct Created: Decodable { var invite_code: String }
        let body = try body(Body(email: email, permissions: RelevanceAIPermissions(role: role)))
        return try await send(request(.post, "/auth/invite/create", project: project, body: body), as: Created.self)
            .invite_code
    }

    /// `POST /auth/invite/delete` with `invite_code`.
    ///
    /// A listed invite is deleted with ``RelevanceAIInvite/code``. Whether that is the
    /// `invite_code` is not documented, so neither a 200 nor a 404 proves the invite gone:
    /// callers list again (the connector does).
    ///
    /// - Throws: ``VendorError``; 404 is ``VendorError/isAlreadyGone``.
    public func deleteInvite(code: String, project: String) async throws {
        struct Body: Encodable { var invite_code: String }
        let body = try body(Body(invite_code: code))
        try await perform(request(.post, "/auth/invite/delete", project: project, body: body))
    }
}
