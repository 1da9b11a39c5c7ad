// MARK: - Project API keys

extension OpenAIAdminClient {
    /// One page of `GET /organization/projects/{id}/api_keys?owner_project_access=any`.
    ///
    /// `owner_project_access=any` is always sent: without it, keys whose owner has lost project
    /// access may be hidden — exactly the keys an offboarding must find.
    /// - Throws: ``VendorError``.
    public func listProjectAPIKeysPage(
        projectID: String,
        after: String? = nil,
        limit: Int = OpenAIAdminClient.pageLimit
    ) async throws -> OpenAIPage<OpenAIProjectAPIKey> {
        let query = Self.pageQuery(after: after, limit: limit) + [.init(name: "owner_project_access", value: "any")]
        let request = VendorRequest(.get, "\(Self.projectPath(projectID))/api_keys", query: query)
        return try await send(request, as: OpenAIPage.self)
    }

    /// Every API key in a project, whatever its owner's access, following pagination.
    ///
    /// - Throws: ``VendorError``.
    public func listProjectAPIKeys(projectID: String) async throws -> [OpenAIProjectAPIKey] {
        try await projectAPIKeyListing(projectID: projectID).items
    }

    /// Every API key in a project, whatever its owner's access, with the records Roster could
    /// not read apart.
    ///
    /// - Throws: ``VendorError``.
    public func projectAPIKeyListing(projectID: String) async throws -> LenientList<OpenAIProjectAPIKey> {
        try await allPages(listing: "project API keys") { after in
            try await listProjectAPIKeysPage(projectID: projectID, after: after)
        }
    }

    /// `DELETE /organization/projects/{id}/api_keys/{key_id}`.
    ///
    /// OpenAI refuses (400) to delete a key owned by a service account.
    /// - Throws: ``VendorError``; a repeat delete throws a 404 with ``VendorError/isAlreadyGone``.
    public func deleteProjectAPIKey(projectID: String, keyID: String) async throws -> OpenAIDeletion {
        let request = VendorRequest(
            .delete, "\(Self.projectPath(projectID))/api_keys/\(VendorRequest.pathSegment(keyID))")
        return try await send(request, as: OpenAIDeletion.self)
    }
}
