/// A membership of the organization. Member URLs use ``User/uuid``, not the membership ``id``.
public struct PostHogMember: Sendable, Hashable, Codable, Identifiable {
    /// The member's user account.
    public struct User: Sendable, Hashable, Codable {
        /// The user's number.
        public var id: Int?
        /// The user's UUID: the id in `/members/{user_uuid}/`.
        public var uuid: String
        /// The email address (compare case-insensitively).
        public var email: String
        /// The first name.
        public var firstName: String?
        /// The last name.
        public var lastName: String?

        public init(id: Int?, uuid: String, email: String, firstName: String? = nil, lastName: String? = nil) {
            self.id = id
            self.uuid = uuid
            self.email = email
            self.firstName = firstName
            self.lastName = lastName
        }

        enum CodingKeys: String, CodingKey {
            case id, uuid, email
            case firstName = "first_name"
            case lastName = "last_name"
        }
    }

    /// The membership's UUID (not used in URLs).
    public var id: String
    /// The member's user account.
    public var user: User
    /// The membership level.
    public var level: PostHogMembershipLevel
    /// When they joined (ISO 8601).
    public var joinedAt: String?
    /// When the membership last changed (ISO 8601).
    public var updatedAt: String?

    public init(
        id: String,
        user: User,
        level: PostHogMembershipLevel,
        joinedAt: String? = nil,
        updatedAt: String? = nil
    ) {
        self.id = id
        self.user = user
        self.level = level
        self.joinedAt = joinedAt
        self.updatedAt = updatedAt
    }

    /// Whether this member's address is `email`, compared case-insensitively.
    public func hasEmail(_ email: String) -> Bool {
        user.email.lowercased() == email.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case id, user, level
        case joinedAt = "joined_at"
        case updatedAt = "updated_at"
    }
}
