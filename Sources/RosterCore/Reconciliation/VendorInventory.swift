/// What one vendor instance holds right now, as its admin API lists it: organisation members,
/// pending invites, project memberships with roles, and API keys where the vendor names their
/// owners. Read by reconciliation and by the verification after an offboarding.
///
/// Emails are personal data: an inventory lives in memory only, for matching against the people
/// Roster knows. Nothing derived from it that is stored or shown carries an address; findings
/// name vendor ids.
public struct VendorInventory: Sendable, Hashable {
    /// One organisation (or workspace) member.
    public struct Member: Sendable, Hashable {
        /// The vendor's user id.
        public var id: String
        /// Lower-cased.
        public var email: String
        /// The organisation role in the vendor's vocabulary, when the vendor has one.
        public var role: String?
        /// Whether the vendor's API can remove it (Relevance AI organisation membership cannot):
        /// a leaver's access that cannot be removed is reported as residual, never retried.
        public var removable: Bool

        /// A member; `email` is lower-cased here.
        public init(id: String, email: String, role: String? = nil, removable: Bool = true) {
            self.id = id
            self.email = email.lowercased()
            self.role = role
            self.removable = removable
        }
    }

    /// One invite not yet accepted, expired or revoked.
    public struct Invite: Sendable, Hashable {
        /// The vendor's invite id.
        public var id: String
        /// Lower-cased.
        public var email: String
        /// When the vendor says it was made, if it says.
        public var createdAt: Timestamp?
        /// When the vendor says it stops working, if it says.
        public var expiresAt: Timestamp?

        /// A pending invite; `email` is lower-cased here.
        public init(id: String, email: String, createdAt: Timestamp? = nil, expiresAt: Timestamp? = nil) {
            self.id = id
            self.email = email.lowercased()
            self.createdAt = createdAt
            self.expiresAt = expiresAt
        }
    }

    /// One person's membership of one project.
    public struct Membership: Sendable, Hashable {
        /// The vendor's project id.
        public var projectID: String
        /// The project's name: what grants name.
        public var project: String
        /// The vendor's user id.
        public var userID: String
        /// Lower-cased; `nil` when the membership listing names only the user id (the member
        /// listing then tells who it is).
        public var email: String?
        /// The project role in the vendor's vocabulary.
        public var role: String
        /// Whether the vendor's API can remove it.
        public var removable: Bool
        /// Access that comes with organisation membership or an organisation role (every PostHog
        /// member sees every open project; organisation admins see every project), not a grant
        /// of its own: it counts as held, but is never an `extra_grant` or `wrong_role` (nothing
        /// can take it away but the organisation membership, which has its own finding).
        public var implied: Bool

        /// A project membership; `email` is lower-cased here.
        public init(
            projectID: String, project: String, userID: String, email: String? = nil, role: String,
            removable: Bool = true,
            implied: Bool = false
        ) {
            self.projectID = projectID
            self.project = project
            self.userID = userID
            self.email = email?.lowercased()
            self.role = role
            self.removable = removable
            self.implied = implied
        }
    }

    /// One API key whose owner the vendor names.
    public struct APIKey: Sendable, Hashable {
        /// The vendor's key id (never the secret).
        public var id: String
        /// The project the key belongs to, when keys are per project.
        public var projectID: String?
        /// The owner's user id.
        public var ownerID: String?
        /// The owner's address (lower-cased), when the vendor gives it with the key.
        public var ownerEmail: String?
        /// Whether the vendor's API can delete it (OpenAI keys of archived projects cannot).
        public var removable: Bool

        /// An API key; `ownerEmail` is lower-cased here.
        public init(
            id: String, projectID: String? = nil, ownerID: String? = nil, ownerEmail: String? = nil,
            removable: Bool = true
        ) {
            self.id = id
            self.projectID = projectID
            self.ownerID = ownerID
            self.ownerEmail = ownerEmail?.lowercased()
            self.removable = removable
        }
    }

    /// The configured vendor instance name.
    public var vendor: String
    /// Organisation (or workspace) members.
    public var members: [Member]
    /// Pending invites only.
    public var invites: [Invite]
    /// Project memberships, with roles; an organisation member may have none or several.
    public var memberships: [Membership]
    /// API keys whose owner the vendor names.
    public var keys: [APIKey]
    /// What this vendor's API cannot show, said plainly (e.g. "API keys: not listed by owner"):
    /// reconciliation cannot see drift there, and evidence says so.
    public var unlisted: [String]
    /// Records the vendor returned that Roster could not read (by count: they may be anyone's).
    public var unreadable: Int

    /// The inventory of vendor instance `vendor`; lists left out are empty.
    public init(
        vendor: String, members: [Member] = [], invites: [Invite] = [], memberships: [Membership] = [],
        keys: [APIKey] = [], unlisted: [String] = [], unreadable: Int = 0
    ) {
        self.vendor = vendor
        self.members = members
        self.invites = invites
        self.memberships = memberships
        self.keys = keys
        self.unlisted = unlisted
        self.unreadable = unreadable
    }

    /// The address of the user with vendor id `userID`, from the member listing or a membership
    /// that names it.
    public func email(ofUser userID: String) -> String? {
        if let member = members.first(where: { $0.id == userID }) { return member.email }
        return memberships.first { $0.userID == userID && $0.email != nil }?.email
    }
}
