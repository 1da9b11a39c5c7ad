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

/// One page of members with the listing's `total`. Members that do not decode are kept aside
/// (``ConfidentAIClient/unreadable``), not fatal to the page.
public struct ConfidentAIMemberPage: Sendable, Hashable, Decodable {
    /// The members on this page that decoded.
    public var members: [ConfidentAIMember]
    /// How many members the whole listing has, if sent.
    public var total: Int?
    /// Every record of the page, readable or not.
    var list: StepLenientList<ConfidentAIMember>

    /// How many records the page had, readable or not.
    public var recordCount: Int { list.rawCount }

    public init(members: [ConfidentAIMember], total: Int?) {
        self.members = members
        self.total = total
        self.list = StepLenientList(members)
    }

    enum CodingKeys: String, CodingKey {
        case members, total
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        list = try container.decode(StepLenientList<ConfidentAIMember>.self, forKey: .members)
        members = list.elements
        total = try container.decodeIfPresent(Int.self, forKey: .total)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.members == rhs.members && lhs.total == rhs.total }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(members)
        hasher.combine(total)
    }
}
