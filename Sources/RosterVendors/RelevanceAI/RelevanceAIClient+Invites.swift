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
        try await invite(email: email, role: role, project: project).code
    }

    /// `POST /auth/invite/create`, with what the answer says of delivery (`email_status`).
    ///
    /// - Throws: ``VendorError``.
    public func invite(email: String, role: RelevanceAIRole, project: String) async throws -> RelevanceAICreatedInvite {
        struct Body: Encodable {
            var email: String
            var permissions: RelevanceAIPermissions
        }
        let body = try body(Body(email: email, permissions: RelevanceAIPermissions(role: role)))
        return try await send(
            request(.post, "/auth/invite/create", project: project, body: body),
            as: RelevanceAICreatedInvite.self
        )
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

/// The answer to `POST /auth/invite/create`: `{invite_code, email_status?}`.
public struct RelevanceAICreatedInvite: Sendable, Hashable, Decodable {
    /// The code that deletes the invite.
    public var code: String
    /// What became of the invitation email, as sent (`auto_accepted` when the address was an
    /// organisation user's and the invite was accepted at once); `nil` when not sent.
    public var emailStatus: String?

    /// Whether Relevance AI accepted the invite at once (the address belonged to an
    /// organisation user), so that no invite is pending.
    public var wasAutoAccepted: Bool { emailStatus?.lowercased() == "auto_accepted" }

    enum CodingKeys: String, CodingKey {
        case code = "invite_code"
        case emailStatus = "email_status"
    }
}
