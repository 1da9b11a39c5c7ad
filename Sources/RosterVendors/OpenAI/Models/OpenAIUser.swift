/// A member of the OpenAI organization (`object: "organization.user"`).
public struct OpenAIUser: Sendable, Hashable, Codable, Identifiable {
    /// `user-…`
    public var id: String
    /// The API object type, as OpenAI names it.
    public var object: String?
    /// The email address (compare case-insensitively). May be `null`: openai/openai-openapi
    /// `openapi.yaml`, schema `User`, requires only `object`, `id` and `added_at`. A user
    /// without one is never the person a step looks for, and never fails a page.
    public var email: String?
    /// The display name.
    public var name: String?
    /// Organization role: `owner` or `reader`.
    public var role: String?
    /// Unix seconds.
    public var addedAt: Int64?
    /// Whether an identity provider manages the user through SCIM (optional in the spec): it may
    /// add them back after Roster removes them.
    public var isScimManaged: Bool?

    public init(
        id: String, email: String?, name: String? = nil, role: String? = "reader", addedAt: Int64? = nil,
        isScimManaged: Bool? = nil
    ) {
        self.id = id
        self.object = "organization.user"
        self.email = email
        self.name = name
        self.role = role
        self.addedAt = addedAt
        self.isScimManaged = isScimManaged
    }

    /// Whether this user's address is `email`, compared case-insensitively.
    public func hasEmail(_ email: String) -> Bool {
        self.email?.lowercased() == email.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case id, object, email, name, role
        case addedAt = "added_at"
        case isScimManaged = "is_scim_managed"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        object = try? container.decodeIfPresent(String.self, forKey: .object)
        email = try? container.decodeIfPresent(String.self, forKey: .email)
        name = try? container.decodeIfPresent(String.self, forKey: .name)
        role = try? container.decodeIfPresent(String.self, forKey: .role)
        addedAt = try? container.decodeIfPresent(Int64.self, forKey: .addedAt)
        isScimManaged = try? container.decodeIfPresent(Bool.self, forKey: .isScimManaged)
    }
}
