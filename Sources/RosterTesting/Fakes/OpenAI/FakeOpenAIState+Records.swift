extension FakeOpenAIState {
    /// An organization member.
    public struct User: Sendable, Hashable {
        /// `user-…`
        public var id: String
        public var email: String
        public var name: String
        /// `owner` or `reader`.
        public var role: String
        public var addedAt: Int64
    }

    /// A project, active or archived.
    public struct Project: Sendable, Hashable {
        /// `proj_…`
        public var id: String
        public var name: String
        public var createdAt: Int64
        public var archivedAt: Int64?
        /// Whether this is the organization's default project.
        public var isDefault: Bool

        public var isArchived: Bool { archivedAt != nil }
    }

    /// A user's membership of a project.
    public struct Membership: Sendable, Hashable {
        public var projectID: String
        public var userID: String
        /// `owner` or `member`.
        public var role: String
        public var addedAt: Int64
    }

    /// A project an invite grants, with a project role.
    public struct ProjectGrant: Sendable, Hashable {
        public var projectID: String
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
        public var email: String
        /// `reader` or `owner`.
        public var role: String
        public var status: Status
        public var createdAt: Int64
        public var expiresAt: Int64
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
            case user(id: String, email: String, name: String)
            case serviceAccount(id: String, name: String, role: String)
        }

        /// `key_…`
        public var id: String
        public var projectID: String
        public var name: String
        public var redactedValue: String
        public var createdAt: Int64
        public var lastUsedAt: Int64?
        public var owner: Owner

        /// The owning user's id, or `nil` for a service account.
        public var ownerUserID: String? {
            if case .user(let id, _, _) = owner { return id }
            return nil
        }
    }
}
