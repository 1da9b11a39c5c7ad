/// An organization or project role (`GET /v1/organization/roles`, `GET /v1/projects/{id}/roles`).
///
/// Roster resolves roles by ``name`` (case-insensitively), because ids differ per organization.
/// System roles (Owner, Admin, Member, …) have neither ``organizationID`` nor ``projectID``.
public struct ConfidentAIRole: Sendable, Hashable, Decodable, Identifiable {
    /// The role id (a UUID), sent as `organizationRoleId`, `projectRoleId` or `roleId`.
    public var id: String
    /// The role name (`Owner`, `Admin`, `Member`, …).
    public var name: String
    /// The description, if any.
    public var description: String?
    /// The organization of a custom organization role; `nil` for system roles.
    public var organizationID: String?
    /// The project of a custom project role; `nil` for system roles.
    public var projectID: String?

    public init(
        id: String,
        name: String,
        description: String? = nil,
        organizationID: String? = nil,
        projectID: String? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.organizationID = organizationID
        self.projectID = projectID
    }

    /// Whether this role is called `name`, ignoring case.
    public func isNamed(_ name: String) -> Bool {
        self.name.lowercased() == name.lowercased()
    }

    /// Whether this is the Owner role, which cannot be invited to and whose holder cannot be removed.
    public var isOwner: Bool { isNamed("Owner") }

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case organizationID = "organizationId"
        case projectID = "projectId"
    }
}

/// A role as embedded in a member (`organizationRole`, `projectRole`): id and name only.
public struct ConfidentAIRoleReference: Sendable, Hashable, Decodable {
    /// The role id.
    public var id: String
    /// The role name.
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    /// Whether this is the Owner role.
    public var isOwner: Bool { name.lowercased() == "owner" }
}
