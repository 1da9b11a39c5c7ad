// MARK: - Invitations

extension ConfidentAIClient {
    private struct InvitationList: Decodable {
        var invitations: StepLenientList<ConfidentAIInvitation>
    }

    private struct OrganizationInvite: Encodable {
        var emails: [String]
        var organizationRoleId: String?
    }

    private struct ProjectInvite: Encodable {
        var emails: [String]
        var projectRoleId: String?
    }

    /// `GET /v1/organization/invitations`: pending and declined invitations.
    ///
    /// - Throws: ``VendorError``.
    public func listOrganizationInvitations() async throws -> [ConfidentAIInvitation] {
        let request = VendorRequest(.get, "/v1/organization/invitations")
        return try readable(try await send(request, as: InvitationList.self).invitations, of: request)
    }

    /// `POST /v1/organization/invitations`: invites a batch of addresses in one call.
    ///
    /// Addresses that are already members or already have a pending invitation are skipped by
    /// Confident AI, not refused, so a batch may safely repeat addresses from an earlier call.
    /// Whether skipped addresses appear in the response is not documented: use the result only
    /// to learn ids of invitations that were created.
    ///
    /// - Parameters:
    ///   - emails: The addresses (one call, however many; the engine decides the batch size).
    ///   - roleID: The organization role for the invitees (not Owner), or `nil` for the default.
    /// - Returns: The invitations in the response.
    /// - Throws: ``VendorError``.
    @discardableResult
    public func inviteToOrganization(emails: [String], roleID: String?) async throws -> [ConfidentAIInvitation] {
        let body = try body(OrganizationInvite(emails: emails, organizationRoleId: roleID))
        let request = VendorRequest(.post, "/v1/organization/invitations", body: body)
        return try readable(try await send(request, as: InvitationList.self).invitations, of: request)
    }

    /// `DELETE /v1/organization/invitations/{id}`: revokes a pending invitation.
    ///
    /// - Throws: ``VendorError``; 404 is ``VendorError/isAlreadyGone``.
    public func deleteOrganizationInvitation(id: String) async throws {
        let request = VendorRequest(.delete, "/v1/organization/invitations/\(VendorRequest.pathSegment(id))")
        try await perform(request)
    }

    /// `PUT /v1/organization/invitations/{id}`: sends a pending invitation's email again.
    ///
    /// - Throws: ``VendorError``; 404 when no such invitation is pending.
    public func resendOrganizationInvitation(id: String) async throws {
        let request = VendorRequest(.put, "/v1/organization/invitations/\(VendorRequest.pathSegment(id))")
        try await perform(request)
    }

    /// `GET /v1/projects/{id}/invitations`.
    ///
    /// - Throws: ``VendorError``.
    public func listProjectInvitations(projectID: String) async throws -> [ConfidentAIInvitation] {
        let request = VendorRequest(.get, Self.projectPath(projectID, "/invitations"))
        return try readable(try await send(request, as: InvitationList.self).invitations, of: request)
    }

    /// `POST /v1/projects/{id}/invitations`: invites organization members to a project, with the
    /// same skip rule as ``inviteToOrganization(emails:roleID:)``. A user must be an organization
    /// member before joining a project.
    ///
    /// - Parameters:
    ///   - projectID: The project.
    ///   - emails: The addresses.
    ///   - roleID: The project role (not Owner), or `nil` for the default.
    /// - Throws: ``VendorError``.
    @discardableResult
    public func inviteToProject(
        projectID: String, emails: [String], roleID: String?
    ) async throws
        -> [ConfidentAIInvitation]
    {
        let body = try body(ProjectInvite(emails: emails, projectRoleId: roleID))
        let request = VendorRequest(.post, Self.projectPath(projectID, "/invitations"), body: body)
        return try readable(try await send(request, as: InvitationList.self).invitations, of: request)
    }

    /// `DELETE /v1/projects/{id}/invitations/{invitationId}`.
    ///
    /// - Throws: ``VendorError``; 404 is ``VendorError/isAlreadyGone``.
    public func deleteProjectInvitation(projectID: String, id: String) async throws {
        let path = Self.projectPath(projectID, "/invitations/\(VendorRequest.pathSegment(id))")
        try await perform(VendorRequest(.delete, path))
    }
}
