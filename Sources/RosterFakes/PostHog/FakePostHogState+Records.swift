extension FakePostHogState {
    /// A PostHog user account.
    public struct User: Sendable, Hashable {
        /// The user's number.
        public var id: Int
        /// The user's UUID: the id in `/members/{user_uuid}/`.
        public var uuid: String
        /// The email address (compared case-insensitively).
        public var email: String
        /// The first name.
        public var firstName: String
        /// The last name.
        public var lastName: String
    }

    /// Access to one private project.
    public struct ProjectAccess: Sendable, Hashable {
        /// The project's number.
        public var projectID: Int
        /// 1 member, 8 admin.
        public var level: Int

        public init(projectID: Int, level: Int) {
            self.projectID = projectID
            self.level = level
        }
    }

    /// A membership of the organization.
    public struct Member: Sendable, Hashable {
        /// The membership's UUID (not used in URLs).
        public var id: String
        /// The member's account.
        public var user: User
        /// 1 member, 8 admin, 15 owner.
        public var level: Int
        /// Private projects this member can see (gone with the membership).
        public var privateProjects: [ProjectAccess]
        /// When they joined, Unix seconds.
        public var joinedAt: Int64
        /// When the membership last changed, Unix seconds.
        public var updatedAt: Int64
    }

    /// A project in the organization.
    public struct Project: Sendable, Hashable {
        /// The project's number.
        public var id: Int
        /// The project's UUID.
        public var uuid: String
        /// The display name (not unique).
        public var name: String
        /// Whether only invited members can see it.
        public var isPrivate: Bool
        /// Creation time, Unix seconds.
        public var createdAt: Int64
    }

    /// An invite. PostHog keeps one per address: a new one replaces the old ones.
    public struct Invite: Sendable, Hashable {
        /// The invite's UUID.
        public var id: String
        /// The invited address.
        public var targetEmail: String
        /// The first name for the invitation email.
        public var firstName: String
        /// 1 member, 8 admin, 15 owner.
        public var level: Int
        /// Whether it can no longer be accepted (PostHog: after 3 days).
        public var isExpired: Bool
        /// Private projects joined on acceptance.
        public var privateProjectAccess: [ProjectAccess]
        /// The message for the invitation email.
        public var message: String?
        /// Whether an email was (pretend-)sent.
        public var emailingAttemptMade: Bool
        /// Creation time, Unix seconds.
        public var createdAt: Int64
    }

    /// A user's personal API key (PostHog cannot revoke these through the organization API).
    public struct PersonalAPIKey: Sendable, Hashable {
        /// The key's id.
        public var id: String
        /// The owning user's UUID.
        public var userUUID: String
        /// The key's label.
        public var label: String
        /// When it was last used, Unix seconds.
        public var lastUsedAt: Int64?
    }
}
