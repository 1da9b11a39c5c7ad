/// A member of the OpenAI organization (`object: "organization.user"`).
public struct OpenAIUser: Sendable, Hashable, Codable, Identifiable {
    /// `user-…`
    public var id: String
    /// The API object type, as OpenAI names it.
    public var object: String?
    /// The email address (compare case-insensitively).
    public var email: String
    /// The display name.
    public var name: String?
    /// Organization role: `owner` or `reader`.
    public var role: String?
    /// Unix seconds.
    public var addedAt: Int64?

    public init(id: String, email: String, name: String? = nil, role: String? = "reader", addedAt: Int64? = nil) {
        self.id = id
        self.object = "organization.user"
        self.email = email
        self.name = name
        self.role = role
        self.addedAt = addedAt
    }

    /// Whether this user's address is `email`, compared case-insensitively.
    public func hasEmail(_ email: String) -> Bool {
        self.email.lowercased() == email.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case id, object, email, name, role
        case addedAt = "added_at"
    }
}
