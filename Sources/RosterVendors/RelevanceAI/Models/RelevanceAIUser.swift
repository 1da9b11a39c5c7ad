/// A user as `POST /auth/users/list` lists them in the project named by the request's
/// `Authorization` header.
public struct RelevanceAIUser: Sendable, Hashable, Decodable, Identifiable {
    /// The user id, used in `/auth/users/{user_id}/…` paths.
    public var id: String
    /// The email address (compare case-insensitively).
    public var email: String
    /// The user type, as sent.
    public var type: String?
    /// The user's permissions, per project and per organisation.
    public var permissions: RelevanceAIUserPermissions

    public init(id: String, email: String, type: String? = nil, permissions: RelevanceAIUserPermissions = .init()) {
        self.id = id
        self.email = email
        self.type = type
        self.permissions = permissions
    }

    /// Whether this user's address is `email`, compared case-insensitively.
    public func hasEmail(_ email: String) -> Bool {
        self.email.lowercased() == email.lowercased()
    }

    /// The user's role in `projectID` (``RelevanceAIPermissions/role``), or `nil`.
    public func role(in projectID: String) -> RelevanceAIRole? {
        permissions.projects[projectID]?.role ?? permissions.legacy?.role
    }

    /// The user's effective organisation role in `organizationID` (`owner`, `admin`,
    /// `operator`, `viewer`), or `nil` when the listing did not say.
    public func organizationRole(in organizationID: String) -> String? {
        permissions.organizations[organizationID]?.roleContext?.role?.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case email, type, permissions
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        email = try container.decode(String.self, forKey: .email)
        type = try? container.decodeIfPresent(String.self, forKey: .type)
        permissions = try container.decodeIfPresent(RelevanceAIUserPermissions.self, forKey: .permissions) ?? .init()
    }
}

/// A listed user's `permissions`: `projects[<project_id>]` and `organizations[<org_id>]`, each
/// `{items, role_context}`, and `administrator` (not `permissions.items`).
///
/// Source: the vendor's OpenAPI document (`ListUsersOutput`), as copied in
/// api-evangelist/relevance-ai `openapi/relevance-ai-auth-api-openapi.yml`. A top-level
/// `items` (the shape Roster used to assume) is still read as ``legacy`` in case an older
/// backend sends it.
public struct RelevanceAIUserPermissions: Sendable, Hashable, Decodable {
    /// Project id → the user's permissions there.
    public var projects: [String: RelevanceAIPermissions]
    /// Organisation id → the user's permissions there (`role_context.role` is the org role).
    public var organizations: [String: RelevanceAIPermissions]
    /// Platform-wide administrator permissions, when sent (not an organisation role).
    public var administrator: RelevanceAIPermissions?
    /// A top-level `items` document, from backends that send the older shape.
    public var legacy: RelevanceAIPermissions?

    public init(
        projects: [String: RelevanceAIPermissions] = [:],
        organizations: [String: RelevanceAIPermissions] = [:],
        administrator: RelevanceAIPermissions? = nil,
        legacy: RelevanceAIPermissions? = nil
    ) {
        self.projects = projects
        self.organizations = organizations
        self.administrator = administrator
        self.legacy = legacy
    }

    enum CodingKeys: String, CodingKey {
        case projects, organizations, administrator, items
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        projects = try container.decodeIfPresent([String: RelevanceAIPermissions].self, forKey: .projects) ?? [:]
        organizations =
            try container.decodeIfPresent([String: RelevanceAIPermissions].self, forKey: .organizations) ?? [:]
        administrator = try? container.decodeIfPresent(RelevanceAIPermissions.self, forKey: .administrator)
        legacy = container.contains(.items) ? try? RelevanceAIPermissions(from: decoder) : nil
    }
}

/// One page of users. `hasMore` is `false` when the vendor omitted `has_more`, as documented
/// for older backends; a page may be **empty while `has_more` is true** (the vendor computes it
/// before permission filtering), so callers page on `hasMore` alone.
public struct RelevanceAIUserPage: Sendable, Hashable, Decodable {
    /// The users on this page that decoded.
    public var results: [RelevanceAIUser]
    /// Whether another page may follow.
    public var hasMore: Bool
    /// The records on this page that did not decode (their listing named by the client).
    var list: StepLenientList<RelevanceAIUser>

    enum CodingKeys: String, CodingKey {
        case results
        case hasMore = "has_more"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        list = try container.decode(StepLenientList<RelevanceAIUser>.self, forKey: .results)
        results = list.elements
        hasMore = (try? container.decodeIfPresent(Bool.self, forKey: .hasMore)) ?? false
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.results == rhs.results && lhs.hasMore == rhs.hasMore }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(results)
        hasher.combine(hasMore)
    }
}
