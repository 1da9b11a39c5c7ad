/// An organization invite. PostHog keeps expired invites in the list (they last 3 days) and
/// replaces every invite for an address when a new one is created for it.
public struct PostHogInvite: Sendable, Hashable, Codable, Identifiable {
    /// Access to one private project that the invite grants on acceptance.
    public struct ProjectAccess: Sendable, Hashable, Codable, Comparable {
        /// The project's number.
        public var id: Int
        /// The project-level access, `"member"` or `"admin"` (old records' 1 and 8 read as these).
        public var level: PostHogProjectAccessLevel

        public init(id: Int, level: PostHogProjectAccessLevel) {
            self.id = id
            self.level = level
        }

        enum CodingKeys: String, CodingKey {
            case id, level
        }

        /// Accepts an id sent as a string (PostHog's own frontend has done that) and a level as
        /// a name or an old number (1 member, 8 admin).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let value = try? container.decode(Int.self, forKey: .id) {
                id = value
            } else {
                let text = try container.decode(String.self, forKey: .id)
                guard let value = Int(text) else {
                    throw DecodingError.dataCorruptedError(forKey: .id, in: container, debugDescription: "not a number")
                }
                id = value
            }
            level = try container.decode(PostHogProjectAccessLevel.self, forKey: .level)
        }

        public static func < (lhs: ProjectAccess, rhs: ProjectAccess) -> Bool {
            lhs.id != rhs.id ? lhs.id < rhs.id : lhs.level < rhs.level
        }

        /// `lhs` and `rhs` together, one entry per project with the higher level, sorted by id.
        public static func union(_ lhs: [ProjectAccess], _ rhs: [ProjectAccess]) -> [ProjectAccess] {
            var levels: [Int: PostHogProjectAccessLevel] = [:]
            for access in lhs + rhs {
                levels[access.id] = max(levels[access.id] ?? access.level, access.level)
            }
            return levels.map { ProjectAccess(id: $0.key, level: $0.value) }.sorted()
        }
    }

    /// The invite's UUID.
    public var id: String
    /// The invited address as PostHog stored it (the domain lowercased, the local part as
    /// sent): compare case-insensitively.
    public var targetEmail: String
    /// The first name given on the invite.
    public var firstName: String?
    /// The organization level granted on acceptance.
    public var level: PostHogMembershipLevel
    /// Whether the invite can no longer be accepted.
    public var isExpired: Bool
    /// Private projects joined on acceptance.
    public var privateProjectAccess: [ProjectAccess]?
    /// Creation time (ISO 8601).
    public var createdAt: String?
    /// Whether PostHog tried to send the invitation email.
    public var emailingAttemptMade: Bool?

    public init(
        id: String,
        targetEmail: String,
        firstName: String? = nil,
        level: PostHogMembershipLevel,
        isExpired: Bool = false,
        privateProjectAccess: [ProjectAccess]? = nil,
        createdAt: String? = nil,
        emailingAttemptMade: Bool? = nil
    ) {
        self.id = id
        self.targetEmail = targetEmail
        self.firstName = firstName
        self.level = level
        self.isExpired = isExpired
        self.privateProjectAccess = privateProjectAccess
        self.createdAt = createdAt
        self.emailingAttemptMade = emailingAttemptMade
    }

    /// Whether this invite is for `email`, compared case-insensitively.
    public func hasEmail(_ email: String) -> Bool {
        targetEmail.lowercased() == email.lowercased()
    }

    /// Whether accepting this invite grants at least `level` and every project in
    /// `projectAccess` at least at its level. Expired invites cover nothing.
    public func covers(level: PostHogMembershipLevel, projectAccess: [ProjectAccess]) -> Bool {
        guard !isExpired, self.level >= level else { return false }
        let granted = privateProjectAccess ?? []
        return projectAccess.allSatisfy { wanted in
            granted.contains { $0.id == wanted.id && $0.level >= wanted.level }
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, level
        case targetEmail = "target_email"
        case firstName = "first_name"
        case isExpired = "is_expired"
        case privateProjectAccess = "private_project_access"
        case createdAt = "created_at"
        case emailingAttemptMade = "emailing_attempt_made"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        targetEmail = try container.decode(String.self, forKey: .targetEmail)
        firstName = try? container.decodeIfPresent(String.self, forKey: .firstName)
        level = try container.decodeIfPresent(PostHogMembershipLevel.self, forKey: .level) ?? .member
        isExpired = try container.decodeIfPresent(Bool.self, forKey: .isExpired) ?? false
        privateProjectAccess = try container.decodeIfPresent([ProjectAccess].self, forKey: .privateProjectAccess)
        createdAt = try? container.decodeIfPresent(String.self, forKey: .createdAt)
        emailingAttemptMade = try? container.decodeIfPresent(Bool.self, forKey: .emailingAttemptMade)
    }
}
