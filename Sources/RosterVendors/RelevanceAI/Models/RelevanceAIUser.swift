/// A user of the project named in the request's `Authorization` header (`POST /auth/users/list`).
public struct RelevanceAIUser: Sendable, Hashable, Decodable, Identifiable {
    /// The user id, used in `/auth/users/{user_id}/…` paths.
    public var id: String
    /// The email address (compare case-insensitively).
    public var email: String
    /// The user type, as sent.
    public var type: String?
    /// The user's permissions in this project.
    public var permissions: RelevanceAIPermissions?

    public init(id: String, email: String, type: String? = nil, permissions: RelevanceAIPermissions? = nil) {
        self.id = id
        self.email = email
        self.type = type
        self.permissions = permissions
    }

    /// Whether this user's address is `email`, compared case-insensitively.
    public func hasEmail(_ email: String) -> Bool {
        self.email.lowercased() == email.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case email, type, permissions
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        email = try container.decodeIfPresent(String.self, forKey: .email) ?? ""
        type = try? container.decodeIfPresent(String.self, forKey: .type)
        // The permission shape of listed users is not documented: tolerate others.
        permissions = try? container.decodeIfPresent(RelevanceAIPermissions.self, forKey: .permissions)
    }
}

/// One page of users; `hasMore` is `false` when the vendor omitted `has_more`.
public struct RelevanceAIUserPage: Sendable, Hashable, Decodable {
    /// The users on this page.
    public var results: [RelevanceAIUser]
    /// Whether another page follows.
    public var hasMore: Bool

    enum CodingKeys: String, CodingKey {
        case results
        case hasMore = "has_more"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        results = try container.decodeIfPresent([RelevanceAIUser].self, forKey: .results) ?? []
        hasMore = (try? container.decodeIfPresent(Bool.self, forKey: .hasMore)) ?? false
    }
}
