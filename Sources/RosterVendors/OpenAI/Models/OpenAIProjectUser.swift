/// A user's membership of one project (`object: "organization.project.user"`).
public struct OpenAIProjectUser: Sendable, Hashable, Codable, Identifiable {
    /// The user's id (`user-…`), the same as in the organization.
    public var id: String
    /// The API object type, as OpenAI names it.
    public var object: String?
    /// Optional in OpenAI's spec.
    public var email: String?
    /// The display name.
    public var name: String?
    /// Project role: `owner` or `member`.
    public var role: String
    /// Unix seconds.
    public var addedAt: Int64?

    public init(id: String, email: String?, name: String? = nil, role: String, addedAt: Int64? = nil) {
        self.id = id
        self.object = "organization.project.user"
        self.email = email
        self.name = name
        self.role = role
        self.addedAt = addedAt
    }

    /// Whether this member's address is `email`, compared case-insensitively.
    public func hasEmail(_ email: String) -> Bool {
        self.email?.lowercased() == email.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case id, object, email, name, role
        case addedAt = "added_at"
    }
}
