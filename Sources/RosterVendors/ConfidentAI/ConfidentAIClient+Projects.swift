// MARK: - Projects

extension ConfidentAIClient {
    private struct ProjectList: Decodable {
        var projects: StepLenientList<ConfidentAIProject>
    }

    private struct CreatedProject: Decodable {
        // The response also carries the project's first API key in full (`apiKey.value`,
        // shown once). Roster has no use for it and deliberately does not decode it.
        var project: ConfidentAIProject
    }

    /// `GET /v1/projects`: every project (the endpoint has no paging or filter).
    ///
    /// - Throws: ``VendorError``.
    public func listProjects() async throws -> [ConfidentAIProject] {
        let request = VendorRequest(.get, "/v1/projects")
        return try readable(try await send(request, as: ProjectList.self).projects, of: request)
    }

    /// The project named exactly `name`, or `nil` (names are unique per organization).
    ///
    /// - Throws: ``VendorError``.
    public func findProject(named name: String) async throws -> ConfidentAIProject? {
        try await listProjects().first { $0.name == name }
    }

    /// `POST /v1/projects`. Not idempotent: look first, or use ``findOrCreateProject(named:)``.
    ///
    /// - Parameters:
    ///   - name: The unique name.
    ///   - description: An optional description.
    /// - Throws: ``VendorError``; 409 (permanent) when the name is taken.
    public func createProject(name: String, description: String? = nil) async throws -> ConfidentAIProject {
        struct Body: Encodable {
            var name: String
            var description: String?
        }
        let request = VendorRequest(.post, "/v1/projects", body: try body(Body(name: name, description: description)))
        return try await send(request, as: CreatedProject.self).project
    }

    /// The project named `name`, created when missing.
    ///
    /// A 409 from the create means another worker (or an earlier attempt whose answer was lost)
    /// made it first: the projects are listed again and that one is used.
    ///
    /// - Returns: The project and whether this call created it.
    /// - Throws: ``VendorError``; a retryable one when the create said 409 but the project is
    ///   not listed yet.
    public func findOrCreateProject(named name: String) async throws -> (project: ConfidentAIProject, created: Bool) {
        if let existing = try await findProject(named: name) {
            return (existing, false)
        }
        do {
            return (try await createProject(name: name), true)
        } catch let error as VendorError where error.status == 409 {
            if let existing = try await findProject(named: name) {
                return (existing, false)
            }
            throw VendorError(
                code: .http,
                status: 409,
                message: "project name is taken but the project is not listed yet",
                retryAfter: error.retryAfter,
                classification: .retryable,
                vendor: Self.vendor
            )
        }
    }

    /// `DELETE /v1/projects/{id}`: permanent, there is no archive.
    ///
    /// - Throws: ``VendorError``; a repeat delete is ``VendorError/isAlreadyGone``.
    public func deleteProject(id: String) async throws {
        try await perform(VendorRequest(.delete, Self.projectPath(id)))
    }
}
