// MARK: - Projects

extension PostHogClient {
    /// One page of `GET /projects/`.
    ///
    /// - Parameters:
    ///   - search: A substring of the name, matched by PostHog (not exact).
    ///   - limit: The page size.
    ///   - offset: How many projects to skip.
    /// - Throws: ``VendorError``.
    public func listProjectsPage(
        search: String? = nil,
        limit: Int = PostHogClient.pageLimit,
        offset: Int = 0
    ) async throws -> PostHogPage<PostHogProject> {
        try await send(projectsRequest(search: search, limit: limit, offset: offset), as: PostHogPage.self)
    }

    /// Every project (whose name contains `search`, when given), following `next`.
    ///
    /// - Throws: ``VendorError``.
    public func listProjects(search: String? = nil) async throws -> [PostHogProject] {
        try await projectListing(search: search).items
    }

    /// Every project (whose name contains `search`, when given), with the records Roster could
    /// not read apart.
    ///
    /// - Throws: ``VendorError``.
    public func projectListing(search: String? = nil) async throws -> LenientList<PostHogProject> {
        try await allPages(
            projectsRequest(search: search, limit: Self.pageLimit, offset: 0), of: PostHogProject.self,
            listing: "projects"
        )
    }

    /// The project named exactly `name` (the lowest id when several are), or `nil`.
    ///
    /// Lists with `search=<name>` and compares names exactly on our side, since PostHog's
    /// search is a substring match.
    /// - Throws: ``VendorError``.
    public func findProject(named name: String) async throws -> PostHogProject? {
        try await listProjects(search: name).filter { $0.name == name }.min { $0.id < $1.id }
    }

    /// `POST /projects/`: creates a project. Not idempotent: look first (``findProject(named:)``).
    ///
    /// - Throws: ``VendorError``.
    public func createProject(name: String) async throws -> PostHogProject {
        struct Body: Encodable { var name: String }
        let request = VendorRequest(.post, "\(organizationPath)/projects/", body: try body(Body(name: name)))
        return try await send(request, as: PostHogProject.self)
    }

    private func projectsRequest(search: String?, limit: Int, offset: Int) -> VendorRequest {
        var query = Self.pageQuery(limit: limit, offset: offset)
        if let search { query.append(.init(name: "search", value: search)) }
        return VendorRequest(.get, "\(organizationPath)/projects/", query: query)
    }
}
