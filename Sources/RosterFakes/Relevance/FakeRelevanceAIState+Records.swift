extension FakeRelevanceAIState {
    /// A project.
    public struct Project: Sendable, Hashable {
        /// The project id (UUID-shaped).
        public var id: String
        /// The name (not necessarily unique).
        public var name: String
        /// The description.
        public var description: String
    }

    /// A user of the organization (a WorkOS identity): exists while deactivated or in no project.
    public struct User: Sendable, Hashable {
        /// The user id.
        public var id: String
        /// The email address, with the case it was first given in.
        public var email: String
        /// The user type.
        public var type: String
    }

    /// A user's membership of a project, with the actions of the `relevanceDefault` item.
    public struct Membership: Sendable, Hashable {
        /// The project.
        public var projectID: String
        /// The user.
        public var userID: String
        /// Action → granted (`{"role:editor": true}`).
        public var actions: [String: Bool]
    }

    /// A pending invite to a project.
    public struct Invite: Sendable, Hashable {
        /// The invite code (what creation returns and deletion takes).
        public var code: String
        /// The record id, listed as `_id` under ``Options/InviteIDs/separate``.
        public var recordID: String = ""
        /// The project.
        public var projectID: String
        /// The invited address.
        public var email: String
        /// The actions the invite grants.
        public var actions: [String: Bool]
    }

    /// A user's API key in a project.
    public struct APIKey: Sendable, Hashable {
        /// The key id.
        public var id: String
        /// The project it belongs to.
        public var projectID: String
        /// The owning user.
        public var userID: String
        /// The label.
        public var label: String
    }
}
