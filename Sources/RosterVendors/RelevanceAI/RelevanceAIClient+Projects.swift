// MARK: - Projects

extension RelevanceAIClient {
    /// One page of `GET /projects/list`.
    ///
    /// - Parameters:
    ///   - page: From 1.
    ///   - pageSize: Projects per page.
    ///   - project: The project whose header authenticates the call (any project works: the
    ///     key sees the whole account).
    /// - Throws: ``VendorError``.
    public func listProjectsPage(
        page: Int, pageSize: Int = RelevanceAIClient.projectsPageSize, project: String
    )
        async throws -> RelevanceAIProjectPage
    {
        let query: [VendorRequest.QueryItem] = [
            .init(name: "page", value: String(max(page, 1))),
            .init(name: "page_size", value: String(max(pageSize, 1))),
        ]
        let request = request(.get, "/projects/list", project: project, query: query)
        var result = try await send(request, as: RelevanceAIProjectPage.self)
        result.projects = try readable(result.list, of: request)
        return result
    }

    /// Every project, following pagination until `count` projects are held or a page is short.
    ///
    /// - Throws: ``VendorError``.
    public func listProjects(project: String) async throws -> [RelevanceAIProject] {
        var projects: [RelevanceAIProject] = []
        let size = Self.projectsPageSize
        for page in 1...Self.maximumPages {
            let result = try await listProjectsPage(page: page, pageSize: size, project: project)
            projects.append(contentsOf: result.projects)
            if result.list.rawCount < size { return projects }
            if let count = result.count, (page * size) >= count { return projects }
        }
        throw VendorError.unexpected("Relevance AI project listing did not end after \(Self.maximumPages) pages")
    }

    /// The first project named exactly `name`, or `nil`.
    ///
    /// - Throws: ``VendorError``.
    public func findProject(named name: String, project: String) async throws -> RelevanceAIProject? {
        try await listProjects(project: project).first { $0.name == name }
    }

    /// `POST /projects/create`. Not idempotent: look first.
    ///
    /// - Parameters:
    ///   - name: The name.
    ///   - description: A description (sent as `""` when `nil`, as the documentation does).
    ///   - organizationID: The organization to create it in.
    ///   - project: The project whose header authenticates the call.
    /// - Returns: The new project's id.
    /// - Throws: ``VendorError``.
    public func createProject(
        name: String, description: String? = nil, organizationID: String, project: String
    )
        async throws -> String
    {
        struct Body: Encodable {
            var name: String
            var description: String
            var organization_id: String
        }
        struct Created: Decodable {
            var project_id: String
        }
        let body = try body(Body(name: name, description: description ?? "", organization_id: organizationID))
        return try await send(request(.post, "/projects/create", project: project, body: body), as: Created.self)
            .project_id
    }
}
