extension FakeOpenAIState {
    /// An organization member.
    public struct User: Sendable, Hashable {
        /// `user-…`
        public var id: String
        /// The email address (compare case-insensitively). May be `nil`: openai/openai-openapi
        /// `openapi.yaml`, schema `User`, requires only `object`, `id` and `added_at`.
        public var email: String?
        /// The display name.
        public var name: String
        /// `owner` or `reader`.
        public var role: String
        /// When the user was added, Unix seconds.
        public var addedAt: Int64
        /// Whether an identity provider manages the user through SCIM (`is_scim_managed`, optional
        /// in the spec): it may re-create them after Roster removes them.
        public var isScimManaged: Bool = false
    }

    /// A project, active or archived.
    public struct Project: Sendable, Hashable {
        /// `proj_…`
        public var id: String
        /// The display name.
        public var name: String
        /// Creation time, Unix seconds.
        public var createdAt: Int64
        /// When the project was archived, Unix seconds, or `nil` while active.
        public var archivedAt: Int64?
        /// Whether this is the organization's default project.
        public var isDefault: Bool

        /// Whether the project is archived.
        public var isArchived: Bool { archivedAt != nil }
    }

    /// A user's membership of a project.
    public struct Membership: Sendable, Hashable {
        /// The project (`proj_…`).
        public var projectID: String
        /// The user (`user-…`).
        public var userID: String
        /// `owner` or `member`.
        public var role: String
        /// When the user was added, Unix seconds.
        public var addedAt: Int64
    }

    /// A project an invite grants, with a project role.
    public struct ProjectGrant: Sendable, Hashable {
        /// The project (`proj_…`).
        public var projectID: String
        /// The role, in the vendor's own vocabulary.
        public var role: String

        public init(projectID: String, role: String) {
            self.projectID = projectID
            self.role = role
        }
    }

    /// An invite and its lifecycle.
    public struct Invite: Sendable, Hashable {
        /// `pending`, `accepted` or `expired`.
        public enum Status: String, Sendable, Hashable {
            case pending, accepted, expired
        }

        /// `invite-…`
        public var id: String
        /// The email address (compare case-insensitively).
        public var email: String
        /// `reader` or `owner`.
        public var role: String
        /// Where the invite is in its lifecycle.
        public var status: Status
        /// Creation time, Unix seconds.
        public var createdAt: Int64
        /// When the invite expires, Unix seconds.
        public var expiresAt: Int64
        /// When the invite was accepted, Unix seconds.
        public var acceptedAt: Int64?
        /// The projects joined on acceptance; `nil` when the request omitted `projects`, which
        /// means the default project (as a member).
        public var projects: [ProjectGrant]?
    }

    /// An API key in a project.
    public struct APIKey: Sendable, Hashable {
        /// Who owns the key. A user's details are kept as they were when the key was made, so
        /// the key still renders after the user leaves.
        public enum Owner: Sendable, Hashable {
            case user(id: String, email: String?, name: String)
            case serviceAccount(id: String, name: String, role: String)
        }

        /// `key_…`
        public var id: String
        /// The project (`proj_…`).
        public var projectID: String
        /// The display name.
        public var name: String
        /// The key with most characters hidden.
        public var redactedValue: String
        /// Creation time, Unix seconds.
        public var createdAt: Int64
        /// When the key was last used, Unix seconds.
        public var lastUsedAt: Int64?
        /// Who owns the key.
        public var owner: Owner

        /// The owning user's id, or `nil` for a service account.
        public var ownerUserID: String? {
            if case .user(let id, _, _) = owner { return id }
            return nil
        }
    }
}
