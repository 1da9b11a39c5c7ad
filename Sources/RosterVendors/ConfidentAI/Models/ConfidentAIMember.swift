/// An organization or project member (`GET /v1/organization/members`,
/// `GET /v1/projects/{id}/members`).
public struct ConfidentAIMember: Sendable, Hashable, Decodable, Identifiable {
    /// The user id, used in member paths.
    public var id: String
    /// The email address (compare case-insensitively).
    public var email: String
    /// The display name.
    public var name: String?
    /// The organization role (organization listings), or `nil`.
    public var organizationRole: ConfidentAIRoleReference?
    /// The project role (project listings), or `nil`.
    public var projectRole: ConfidentAIRoleReference?

    public init(
        id: String,
        email: String,
        name: String? = nil,
        organizationRole: ConfidentAIRoleReference? = nil,
        projectRole: ConfidentAIRoleReference? = nil
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.organizationRole = organizationRole
        self.projectRole = projectRole
    }

    /// Whether this member's address is `email`, compared case-insensitively.
    public func hasEmail(_ email: String) -> Bool {
        self.email.lowercased() == email.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case id, email, name, organizationRole, projectRole
    }
}

/// One page of members with the listing's `total`.
public struct ConfidentAIMemberPage: Sendable, Hashable, Decodable {
    /// The members on this page.
    public var members: [ConfidentAIMember]
    /// How many members the whole listing has, if sent.
    public var total: Int?

    public init(members: [ConfidentAIMember], total: Int?) {
        self.members = members
        self.total = total
    }
}
