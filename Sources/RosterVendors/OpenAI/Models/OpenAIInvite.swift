/// An invitation to the OpenAI organization (`object: "organization.invite"`).
///
/// The list includes accepted and expired invites; only ``Status/pending`` ones are live.
public struct OpenAIInvite: Sendable, Hashable, Codable, Identifiable {
    /// `pending`, `accepted` or `expired`; kept open so a new status cannot fail decoding.
    public struct Status: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The value as sent on the wire.
        public var rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// Waiting to be accepted.
        public static let pending = Status(rawValue: "pending")
        /// Accepted: the invitee is a member.
        public static let accepted = Status(rawValue: "accepted")
        /// No longer acceptable.
        public static let expired = Status(rawValue: "expired")

        public var description: String { rawValue }
    }

    /// A project the invitee joins on acceptance, with a project role (`member` or `owner`).
    public struct ProjectGrant: Sendable, Hashable, Codable {
        /// `proj_…`
        public var id: String
        /// The project role: `member` or `owner`.
        public var role: String

        public init(id: String, role: String) {
            self.id = id
            self.role = role
        }
    }

    /// `invite-…`
    public var id: String
    /// The API object type, as OpenAI names it.
    public var object: String?
    /// The email address (compare case-insensitively).
    public var email: String
    /// Organization role: `reader` or `owner`.
    public var role: String?
    /// Where the invite is in its lifecycle; `nil` if OpenAI omitted it.
    public var status: Status?
    /// Unix seconds (`created_at`; specs before 2026 called it `invited_at`, also accepted).
    public var createdAt: Int64?
    /// When the invite expires, Unix seconds.
    public var expiresAt: Int64?
    /// When the invite was accepted, Unix seconds.
    public var acceptedAt: Int64?
    /// The projects joined on acceptance, each with a project role.
    public var projects: [ProjectGrant]?

    public init(
        id: String,
        email: String,
        role: String?,
        status: Status?,
        createdAt: Int64? = nil,
        expiresAt: Int64? = nil,
        acceptedAt: Int64? = nil,
        projects: [ProjectGrant]? = nil
    ) {
        self.id = id
        self.object = "organization.invite"
        self.email = email
        self.role = role
        self.status = status
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.acceptedAt = acceptedAt
        self.projects = projects
    }

    /// Whether the invite is still waiting to be accepted.
    public var isPending: Bool { status == .pending }

    /// Whether this invite is for `email`, compared case-insensitively.
    public func hasEmail(_ email: String) -> Bool {
        self.email.lowercased() == email.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case id, object, email, role, status, projects
        case createdAt = "created_at"
        case invitedAt = "invited_at"
        case expiresAt = "expires_at"
        case acceptedAt = "accepted_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        object = try container.decodeIfPresent(String.self, forKey: .object)
        email = try container.decode(String.self, forKey: .email)
        role = try container.decodeIfPresent(String.self, forKey: .role)
        status = try container.decodeIfPresent(Status.self, forKey: .status)
        createdAt =
            try container.decodeIfPresent(Int64.self, forKey: .createdAt)
            ?? container.decodeIfPresent(Int64.self, forKey: .invitedAt)
        expiresAt = try container.decodeIfPresent(Int64.self, forKey: .expiresAt)
        acceptedAt = try container.decodeIfPresent(Int64.self, forKey: .acceptedAt)
        projects = try container.decodeIfPresent([ProjectGrant].self, forKey: .projects)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(object, forKey: .object)
        try container.encode(email, forKey: .email)
        try container.encodeIfPresent(role, forKey: .role)
        try container.encodeIfPresent(status, forKey: .status)
        try container.encodeIfPresent(createdAt, forKey: .createdAt)
        try container.encodeIfPresent(expiresAt, forKey: .expiresAt)
        try container.encodeIfPresent(acceptedAt, forKey: .acceptedAt)
        try container.encodeIfPresent(projects, forKey: .projects)
    }
}
