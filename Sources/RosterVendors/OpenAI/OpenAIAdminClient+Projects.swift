// MARK: - Projects

extension OpenAIAdminClient {
    /// One page of `GET /organization/projects`.
    ///
    /// - Parameters:
    ///   - includeArchived: Whether archived projects are listed (OpenAI's default is `false`).
    ///   - after: The previous page's `last_id`.
    ///   - limit: 1–100.
    /// - Throws: ``VendorError``.
    public func listProjectsPage(
        includeArchived: Bool = false,
        after: String? = nil,
        limit: Int = OpenAIAdminClient.pageLimit
    ) async throws -> OpenAIPage<OpenAIProject> {
        var query = Self.pageQuery(after: after, limit: limit)
        if includeArchived {
            query.append(.init(name: "include_archived", value: "true"))
        }
        return try await send(VendorRequest(.get, "/organization/projects", query: query), as: OpenAIPage.self)
    }

    /// Every project, following pagination.
    ///
    /// - Parameter includeArchived: Whether archived projects are listed.
    /// - Throws: ``VendorError``.
    public func listProjects(includeArchived: Bool = false) async throws -> [OpenAIProject] {
        try await projectListing(includeArchived: includeArchived).items
    }

    /// Every project, with the records Roster could not read apart.
    ///
    /// - Parameter includeArchived: Whether archived projects are listed.
    /// - Throws: ``VendorError``.
    public func projectListing(includeArchived: Bool = false) async throws -> LenientList<OpenAIProject> {
        try await allPages(listing: "projects") { after in
            try await listProjectsPage(includeArchived: includeArchived, after: after)
        }
    }

    /// The project named exactly `name`, preferring an active one over an archived one, or `nil`.
    ///
    /// OpenAI has no name filter, so this pages through every project (archived included, so a
    /// caller can tell "archived" from "missing" instead of creating a duplicate).
    /// - Throws: ``VendorError``.
    public func findProject(named name: String) async throws -> OpenAIProject? {
        let matches = try await listProjects(includeArchived: true).filter { $0.name == name }
        return matches.first { !$0.isArchived } ?? matches.first
    }

    /// `GET /organization/projects/{id}`.
    ///
    /// - Throws: ``VendorError`` (404 for an unknown id).
    public func retrieveProject(id: String) async throws -> OpenAIProject {
        try await send(
            VendorRequest(.get, "/organization/projects/\(VendorRequest.pathSegment(id))"), as: OpenAIProject.self)
    }

    /// `POST /organization/projects`: creates a project. Not idempotent: look first
    /// (``findProject(named:)``).
    ///
    /// - Throws: ``VendorError``.
    public func createProject(name: String) async throws -> OpenAIProject {
        struct Body: Encodable { var name: String }
        let request = VendorRequest(.post, "/organization/projects", body: try body(Body(name: name)))
        return try await send(request, as: OpenAIProject.self)
    }

    /// `POST /organization/projects/{id}/archive`. Projects cannot be deleted, only archived.
    ///
    /// - Throws: ``VendorError``.
    public func archiveProject(id: String) async throws -> OpenAIProject {
        let request = VendorRequest(.post, "/organization/projects/\(VendorRequest.pathSegment(id))/archive")
        return try await send(request, as: OpenAIProject.self)
    }
}
