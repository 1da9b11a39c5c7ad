extension FakeConfidentAIState {
    /// An organization member.
    public struct Member: Sendable, Hashable {
        /// The user id (`clu…`).
        public var id: String
        /// The email address (compare case-insensitively).
        public var email: String
        /// The display name.
        public var name: String
        /// The organization role's id.
        public var roleID: String
    }

    /// A project.
    public struct Project: Sendable, Hashable {
        /// The project id (`clp…`).
        public var id: String
        /// The name, unique in the organization.
        public var name: String
        /// The description.
        public var description: String?
        /// Creation time (ISO 8601).
        public var createdAt: String
    }

    /// A user's membership of a project.
    public struct ProjectMember: Sendable, Hashable {
        /// The project.
        public var projectID: String
        /// The user.
        public var userID: String
        /// The project role's id.
        public var roleID: String
    }

    /// An organization role or a project role.
    public struct Role: Sendable, Hashable {
        /// A UUID.
        public var id: String
        /// `Owner`, `Admin`, `Member`, …
        public var name: String
        /// The project of a custom project role; `nil` for system roles.
        public var projectID: String?
    }

    /// An invitation to the organization (``projectID`` `nil`) or to a project.
    public struct Invitation: Sendable, Hashable {
        /// `PENDING`, `ACCEPTED` or `DECLINED`.
        public enum Status: String, Sendable, Hashable {
            case pending = "PENDING"
            case accepted = "ACCEPTED"
            case declined = "DECLINED"
        }

        /// The id, an integer as Confident AI sends it (one sequence for both kinds).
        public var id: Int
        /// The project, or `nil` for an organization invitation.
        public var projectID: String?
        /// The invited address.
        public var email: String
        /// Where the invitation is in its lifecycle.
        public var status: Status
        /// The role the invitee gets (organization or project role), or `nil` for the default.
        public var roleID: String?
        /// Creation time (ISO 8601).
        public var createdAt: String

        /// Whether the invitation is still waiting.
        public var isPending: Bool { status == .pending }
    }
}
