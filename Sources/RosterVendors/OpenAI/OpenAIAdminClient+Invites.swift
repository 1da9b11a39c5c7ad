// MARK: - Invites

extension OpenAIAdminClient {
    /// One page of `GET /organization/invites` (pending, accepted and expired alike).
    ///
    /// - Throws: ``VendorError``.
    public func listInvitesPage(
        after: String? = nil,
        limit: Int = OpenAIAdminClient.pageLimit
    ) async throws -> OpenAIPage<OpenAIInvite> {
        let request = VendorRequest(.get, "/organization/invites", query: Self.pageQuery(after: after, limit: limit))
        return try await send(request, as: OpenAIPage.self)
    }

    /// Every invite, following pagination. OpenAI has no email or status filter.
    ///
    /// - Throws: ``VendorError``.
    public func listInvites() async throws -> [OpenAIInvite] {
        try await inviteListing().items
    }

    /// Every invite, with the records Roster could not read apart.
    ///
    /// - Throws: ``VendorError``.
    public func inviteListing() async throws -> LenientList<OpenAIInvite> {
        try await allPages(listing: "invites") { after in try await listInvitesPage(after: after) }
    }

    /// The pending invites for `email` (case-insensitive).
    ///
    /// - Throws: ``VendorError``; a permanent one when an invite that names `email` cannot be read.
    public func pendingInvites(email: String) async throws -> [OpenAIInvite] {
        let listing = try await inviteListing()
        try refuseUnreadable(listing.unreadable, concerning: email, what: "invite")
        return listing.items.filter { $0.isPending && $0.hasEmail(email) }
    }

    /// `POST /organization/invites`: invites one address.
    ///
    /// `projects` is always sent — as `[]` when empty — because an invite without it also adds
    /// the person to the organization's default project on acceptance.
    ///
    /// - Parameters:
    ///   - email: The address to invite.
    ///   - role: Organization role, `reader` or `owner`.
    ///   - projects: Projects joined on acceptance, each with a role (`member` or `owner`).
    /// - Throws: ``VendorError``.
    public func createInvite(
        email: String,
        role: String,
        projects: [OpenAIInvite.ProjectGrant]
    ) async throws -> OpenAIInvite {
        struct Body: Encodable {
            var email: String
            var role: String
            var projects: [OpenAIInvite.ProjectGrant]
        }
        let request = VendorRequest(
            .post,
            "/organization/invites",
            body: try body(Body(email: email, role: role, projects: projects))
        )
        return try await send(request, as: OpenAIInvite.self)
    }

    /// `DELETE /organization/invites/{id}`: revokes a pending invite (accepted ones cannot be
    /// deleted).
    ///
    /// - Throws: ``VendorError``; a repeat delete throws a 404 with ``VendorError/isAlreadyGone``.
    public func deleteInvite(id: String) async throws -> OpenAIDeletion {
        let request = VendorRequest(.delete, "/organization/invites/\(VendorRequest.pathSegment(id))")
        return try await send(request, as: OpenAIDeletion.self)
    }
}
