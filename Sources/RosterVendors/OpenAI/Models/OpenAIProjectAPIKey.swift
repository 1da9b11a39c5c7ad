/// An API key in a project (`object: "organization.project.api_key"`), with its owner.
public struct OpenAIProjectAPIKey: Sendable, Hashable, Codable, Identifiable {
    /// Who owns a key: a user (deleted when the user leaves) or a service account (which the
    /// admin API refuses to delete through this endpoint).
    public struct Owner: Sendable, Hashable, Codable {
        /// `user` or `service_account`; kept open so a new kind cannot fail decoding.
        public struct Kind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
            /// The value as sent on the wire.
            public var rawValue: String

            public init(rawValue: String) {
                self.rawValue = rawValue
            }

            /// A user.
            public static let user = Kind(rawValue: "user")
            /// A service account.
            public static let serviceAccount = Kind(rawValue: "service_account")

            public var description: String { rawValue }
        }

        /// The owning user.
        public struct User: Sendable, Hashable, Codable {
            /// `user-…`
            public var id: String
            /// The email address (compare case-insensitively).
            public var email: String?
            /// The display name.
            public var name: String?
            /// The user's project role.
            public var role: String?
            /// Creation time, Unix seconds.
            public var createdAt: Int64?

            public init(id: String, email: String?, name: String? = nil, role: String? = nil, createdAt: Int64? = nil) {
                self.id = id
                self.email = email
                self.name = name
                self.role = role
                self.createdAt = createdAt
            }

            enum CodingKeys: String, CodingKey {
                case id, email, name, role
                case createdAt = "created_at"
            }
        }

        /// The owning service account.
        public struct ServiceAccount: Sendable, Hashable, Codable {
            /// The service account's id.
            public var id: String
            /// The display name.
            public var name: String?
            /// The service account's project role.
            public var role: String?
            /// Creation time, Unix seconds.
            public var createdAt: Int64?

            public init(id: String, name: String?, role: String? = nil, createdAt: Int64? = nil) {
                self.id = id
                self.name = name
                self.role = role
                self.createdAt = createdAt
            }

            enum CodingKeys: String, CodingKey {
                case id, name, role
                case createdAt = "created_at"
            }
        }

        /// `user` or `service_account`.
        public var type: Kind?
        /// The owning user, when ``type`` is `user`.
        public var user: User?
        /// The owning service account, when ``type`` is `service_account`.
        public var serviceAccount: ServiceAccount?

        public init(type: Kind?, user: User? = nil, serviceAccount: ServiceAccount? = nil) {
            self.type = type
            self.user = user
            self.serviceAccount = serviceAccount
        }

        enum CodingKeys: String, CodingKey {
            case type, user
            case serviceAccount = "service_account"
        }
    }

    /// `key_…`
    public var id: String
    /// The API object type, as OpenAI names it.
    public var object: String?
    /// The display name.
    public var name: String?
    /// The key with most characters hidden (`sk-abc…xyz`); the secret itself is never listed.
    public var redactedValue: String?
    /// Creation time, Unix seconds.
    public var createdAt: Int64?
    /// When the key was last used, Unix seconds.
    public var lastUsedAt: Int64?
    /// `active` or `inactive`: whether the owner still has access to the project.
    public var ownerProjectAccess: String?
    /// Who owns the key.
    public var owner: Owner?

    public init(
        id: String,
        name: String?,
        redactedValue: String? = nil,
        createdAt: Int64? = nil,
        lastUsedAt: Int64? = nil,
        ownerProjectAccess: String? = nil,
        owner: Owner?
    ) {
        self.id = id
        self.object = "organization.project.api_key"
        self.name = name
        self.redactedValue = redactedValue
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.ownerProjectAccess = ownerProjectAccess
        self.owner = owner
    }

    /// Whether a user (not a service account) with id `userID` owns this key.
    public func isOwned(byUserID userID: String) -> Bool {
        owner?.type == .user && owner?.user?.id == userID
    }

    /// Whether a user whose address is `email` (case-insensitive) owns this key.
    public func isOwned(byEmail email: String) -> Bool {
        owner?.type == .user && owner?.user?.email?.lowercased() == email.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case id, object, name, owner
        case redactedValue = "redacted_value"
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case ownerProjectAccess = "owner_project_access"
    }
}
