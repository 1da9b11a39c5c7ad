// MARK: - Roles

extension ConfidentAIClient {
    private struct RoleList: Decodable {
        var roles: StepLenientList<ConfidentAIRole>
    }

    /// `GET /v1/organization/roles`: system and custom organization roles.
    ///
    /// - Throws: ``VendorError``.
    public func listOrganizationRoles() async throws -> [ConfidentAIRole] {
        let request = VendorRequest(.get, "/v1/organization/roles")
        return try readable(try await send(request, as: RoleList.self).roles, of: request)
    }

    /// `GET /v1/projects/{id}/roles`: system and the project's custom roles.
    ///
    /// - Throws: ``VendorError``.
    public func listProjectRoles(projectID: String) async throws -> [ConfidentAIRole] {
        let request = VendorRequest(.get, Self.projectPath(projectID, "/roles"))
        return try readable(try await send(request, as: RoleList.self).roles, of: request)
    }

    /// The role in `roles` called `name` (case-insensitive).
    ///
    /// - Throws: A permanent ``VendorError`` naming the roles that do exist when none matches:
    ///   a role name in the configuration or an event is wrong, and retrying cannot fix it.
    public static func role(named name: String, in roles: [ConfidentAIRole], scope: String) throws -> ConfidentAIRole {
        if let role = roles.first(where: { $0.isNamed(name) }) { return role }
        let known = roles.map(\.name).joined(separator: ", ")
        throw VendorError(
            code: .unexpected,
            message: "no \(scope) role named '\(name)' (roles: \(known))",
            classification: .permanent,
            vendor: vendor
        )
    }
}
