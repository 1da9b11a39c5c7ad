extension FakePostHogState {
    /// A PostHog user account.
    public struct User: Sendable, Hashable {
        /// The user's number.
        public var id: Int
        /// The user's UUID: the id in `/members/{user_uuid}/`.
        public var uuid: String
        /// The email address as stored: PostHog compares it exactly (`?email=`, the invite
        /// member check), so accounts made before normalisation can be mixed-case.
        public var email: String
        /// The first name.
        public var firstName: String
        /// The last name.
        public var lastName: String
    }

    /// Access to one private project, as an invite carries it (`private_project_access[]`).
    ///
    /// PostHog validates the level against its access-control levels, `"none"`, `"member"` and
    /// `"admin"` (PostHog/posthog `posthog/models/organization_invite.py`,
    /// `validate_private_project_access`; `posthog/rbac/user_access_control.py`,
    /// `ACCESS_CONTROL_LEVELS_MEMBER`). Invites stored before that change carry the old
    /// `ExplicitTeamMembership` numbers (1 member, 8 admin); ``legacyLevel`` keeps one so the
    /// fake can list such a record back as PostHog would.
    public struct ProjectAccess: Sendable, Hashable {
        /// The project's number.
        public var projectID: Int
        /// `"none"`, `"member"` or `"admin"`.
        public var level: String
        /// The number an old record stored instead (1 or 8), listed as such; `nil` for new records.
        public var legacyLevel: Int?

        /// New-style access: `level` is `"member"`, `"admin"` or `"none"`.
        public init(projectID: Int, level: String) {
            self.projectID = projectID
            self.level = level
            self.legacyLevel = nil
        }

        /// An old record, stored with a number (1 member, 8 admin) and listed back as that number.
        public init(projectID: Int, level: Int) {
            self.projectID = projectID
            self.level = level >= 8 ? "admin" : "member"
            self.legacyLevel = level
        }
    }

    /// An access-control record (PostHog/posthog `ee/models/rbac/access_control.py`, served by
    /// `ee/api/rbac/access_control.py`): for a project (`resource: "project"`), either the
    /// project-wide default (no member; `access_level: "none"` makes the project private) or one
    /// member's access (`organization_member` is the membership id).
    public struct AccessControl: Sendable, Hashable {
        /// The project's number (`resource_id`).
        public var projectID: Int
        /// The membership id (``Member/id``), or `nil` for the project-wide default.
        public var organizationMemberID: String?
        /// `"none"`, `"member"` or `"admin"`.
        public var accessLevel: String
        /// Creation time, Unix seconds.
        public var createdAt: Int64
        /// Last change, Unix seconds.
        public var updatedAt: Int64
    }

    /// A membership of the organization.
    public struct Member: Sendable, Hashable {
        /// The membership's UUID (not used in URLs).
        public var id: String
        /// The member's account.
        public var user: User
        /// 1 member, 8 admin, 15 owner.
        public var level: Int
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
        /// The deprecated `access_control` flag: a private project of an organization not yet
        /// moved to access-control records (PostHog/posthog `posthog/models/team/team.py`). New
        /// private projects carry an ``AccessControl`` record instead; see
        /// ``FakePostHogState/isPrivate(projectID:)``.
        public var legacyAccessControl: Bool
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
